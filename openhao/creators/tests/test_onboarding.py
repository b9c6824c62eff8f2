"""申请入驻: the application form, its status page, re-applying, and the staff review queue."""

import pytest
from django.core import mail
from django.urls import reverse

from openhao.creators.models import Creator, CreatorApplication
from openhao.moderation.models import ReviewRecord
from openhao.moderation.services import application_approve, application_reject

from .factories import CreatorFactory, UserFactory
from .helpers import SVG_WITH_SCRIPT, jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def form_data(channel_obj, **overrides):
    data = {
        "display_name": "江南小城记",
        "motto": "写好身边的小事",
        "channel": channel_obj.pk,
        "intro": "我在江南小城生活了二十年，想写写这里的人和事。",
        "links": "https://example.com/my-blog\nhttps://example.com/another",
        "real_name_confirmed": "on",
        "rules_accepted": "on",
    }
    data.update(overrides)
    return data


def test_apply_links_lead_to_the_form(client, channel):
    for url in (reverse("home"), reverse("articles:platform")):
        html = client.get(url).content.decode()
        assert f'href="{reverse("creators:apply")}"' in html


def test_apply_requires_login(client):
    response = client.get(reverse("creators:apply"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_apply_creates_pending_application_with_avatar(client, reader, channel):
    client.force_login(reader)
    data = form_data(channel, avatar=upload(jpeg_bytes(400, 400, exif_gps=True), "me.jpg"))
    response = client.post(reverse("creators:apply"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("creators:apply_status")
    application = CreatorApplication.objects.get(user=reader)
    assert application.status == CreatorApplication.Status.PENDING
    assert application.link_list == ["https://example.com/my-blog", "https://example.com/another"]
    assert application.avatar.name.endswith(".jpg")
    status = client.get(reverse("creators:apply_status")).content.decode()
    assert "江南小城记" in status and "审核中" in status
    # A second application while one is open is not possible: the form sends you to the status.
    assert client.get(reverse("creators:apply"))["Location"] == reverse("creators:apply_status")


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"display_name": "江"}, "号名称至少 2 个字符。"),
        ({"display_name": "长" * 21}, "号名称最多 20 个字符。"),
        ({"real_name_confirmed": ""}, "请确认实名信息。"),
        ({"rules_accepted": ""}, "请阅读并同意平台内容规范。"),
        ({"channel": ""}, "请选择主要领域。"),
        ({"links": "not a link"}, "不是有效的网址"),
    ],
)
def test_apply_validation_messages_keep_input(client, reader, channel, override, message):
    client.force_login(reader)
    response = client.post(reverse("creators:apply"), form_data(channel, **override))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "我在江南小城生活了二十年" in html  # nothing typed is lost
    assert not CreatorApplication.objects.exists()


def test_display_name_must_be_unique(client, reader, channel):
    CreatorFactory(display_name="江南小城记")
    client.force_login(reader)
    response = client.post(reverse("creators:apply"), form_data(channel))
    assert "这个号名称已被使用，请换一个。" in response.content.decode()
    other = UserFactory(username="other")
    CreatorApplication.objects.create(
        user=other, display_name="已被申请", motto="m", channel=channel, intro="i"
    )
    response = client.post(reverse("creators:apply"), form_data(channel, display_name="已被申请"))
    assert "这个号名称已被使用，请换一个。" in response.content.decode()


def test_svg_avatar_is_rejected(client, reader, channel):
    client.force_login(reader)
    data = form_data(channel, avatar=upload(SVG_WITH_SCRIPT, "me.jpg", "image/jpeg"))
    response = client.post(reverse("creators:apply"), data)
    assert (
        "不支持的图片格式" in response.content.decode() or "无法识别" in response.content.decode()
    )
    assert not CreatorApplication.objects.exists()


def test_review_pages_are_staff_only(client, reader, channel):
    application = CreatorApplication.objects.create(
        user=reader, display_name="江南小城记", motto="m", channel=channel, intro="i"
    )
    urls = [
        reverse("review:applications"),
        reverse("review:application", args=[application.pk]),
        reverse("review:articles"),
        reverse("review:log"),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(reader)
    for url in urls:
        assert client.get(url).status_code == 403
    response = client.post(urls[1], {"decision": "approve"})
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == CreatorApplication.Status.PENDING


def test_staff_approves_from_the_queue(
    client,
    reader,
    staff,
    channel,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    client.force_login(reader)
    client.post(reverse("creators:apply"), form_data(channel))
    application = CreatorApplication.objects.get()
    client.force_login(staff)
    with django_assert_max_num_queries(8):
        queue = client.get(reverse("review:applications"))
    assert "江南小城记" in queue.content.decode()
    detail = client.get(reverse("review:application", args=[application.pk])).content.decode()
    assert "我在江南小城生活了二十年" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("review:application", args=[application.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    creator = Creator.objects.get(user=reader)
    assert creator.display_name == "江南小城记"
    assert creator.main_channel == channel
    assert creator.motto == "写好身边的小事"
    record = ReviewRecord.objects.get(application=application)
    assert (record.decision, record.staff) == ("approve", staff)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reader@example.com"]
    assert "已通过" in mail.outbox[0].subject
    client.force_login(reader)
    assert client.get(reverse("studio:home")).status_code == 200
    status = client.get(reverse("creators:apply_status")).content.decode()
    assert "已通过" in status and reverse("studio:home") in status


def test_reject_needs_a_reason_then_applicant_reapplies(
    client, reader, staff, channel, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    client.post(reverse("creators:apply"), form_data(channel))
    application = CreatorApplication.objects.get()
    client.force_login(staff)
    url = reverse("review:application", args=[application.pk])
    response = client.post(url, {"decision": "reject", "reason": ""})
    assert "驳回时请填写原因。" in response.content.decode()
    application.refresh_from_db()
    assert application.status == CreatorApplication.Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "自我介绍过于简单，请补充写作经历。"})
    application.refresh_from_db()
    assert application.status == CreatorApplication.Status.REJECTED
    assert application.decided_by == staff and application.decided_at is not None
    assert "未通过" in mail.outbox[-1].subject
    assert "自我介绍过于简单" in mail.outbox[-1].body

    client.force_login(reader)
    status = client.get(reverse("creators:apply_status")).content.decode()
    assert "自我介绍过于简单，请补充写作经历。" in status
    form = client.get(reverse("creators:apply")).content.decode()
    assert "江南小城记" in form  # starts from the last attempt
    response = client.post(
        reverse("creators:apply"), form_data(channel, intro="补充：我写了五年本地新闻。")
    )
    assert response.status_code == 302
    assert CreatorApplication.objects.filter(user=reader).count() == 2
    latest = CreatorApplication.objects.filter(user=reader).latest("created_at")
    assert latest.status == CreatorApplication.Status.PENDING
    # The reviewer sees the earlier attempt and why it failed.
    client.force_login(staff)
    page = client.get(reverse("review:application", args=[latest.pk])).content.decode()
    assert "该用户以往的申请" in page and "自我介绍过于简单" in page


def test_decisions_are_audited_and_append_only(reader, staff, channel):
    application = CreatorApplication.objects.create(
        user=reader, display_name="江南小城记", motto="m", channel=channel, intro="i"
    )
    application_reject(application=application, staff=staff, reason="信息不全")
    record = ReviewRecord.objects.get()
    assert record.reason == "信息不全"
    record.reason = "改写历史"
    with pytest.raises(ValueError, match="append-only"):
        record.save()
    with pytest.raises(ValueError, match="append-only"):
        record.delete()
    # A decided application cannot be decided again.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        application_approve(application=application, staff=staff)


def test_non_staff_cannot_decide_through_the_service(reader, channel):
    from django.core.exceptions import PermissionDenied

    application = CreatorApplication.objects.create(
        user=reader, display_name="江南小城记", motto="m", channel=channel, intro="i"
    )
    with pytest.raises(PermissionDenied):
        application_approve(application=application, staff=reader)


def test_log_page_lists_decisions(client, reader, staff, channel):
    application = CreatorApplication.objects.create(
        user=reader, display_name="江南小城记", motto="m", channel=channel, intro="i"
    )
    application_reject(application=application, staff=staff, reason="信息不全")
    client.force_login(staff)
    html = client.get(reverse("review:log")).content.decode()
    assert "信息不全" in html and "editor" in html and "江南小城记" in html


def test_decisions_reach_the_applicant_as_notifications(
    client, reader, staff, channel, django_capture_on_commit_callbacks
):
    client.force_login(reader)
    client.post(reverse("creators:apply"), form_data(channel))
    first = CreatorApplication.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        application_reject(application=first, staff=staff, reason="请补充写作经历。")
    assert (
        "badge-unread" in client.get(reverse("personal"), HTTP_HX_REQUEST="true").content.decode()
    )
    page = client.get(reverse("engagement:notifications")).content.decode()
    assert "你的入驻申请未通过，原因：请补充写作经历。" in page
    assert reverse("creators:apply_status") in page

    client.post(reverse("creators:apply"), form_data(channel))
    second = CreatorApplication.objects.exclude(pk=first.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        application_approve(application=second, staff=staff)
    page = client.get(reverse("engagement:notifications")).content.decode()
    assert "你的入驻申请已通过，号“江南小城记”已开通。" in page
    assert reverse("studio:home") in page
