# ReviewRecord, moved from creators: the table creators_reviewrecord and its rows stay as they
# are (state only); its content type, and with it the admin permissions granted on it, follows.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="moderation", model="reviewrecord"):
        ContentType.objects.using(db).filter(app_label="creators", model="reviewrecord").update(
            app_label="moderation"
        )


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="moderation", model="reviewrecord").update(
        app_label="creators"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0005_topic_name_validator"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("creators", "0005_reviewrecord_to_moderation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReviewRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "decision",
                            models.CharField(
                                choices=[("approve", "通过"), ("reject", "驳回")],
                                max_length=10,
                                verbose_name="决定",
                            ),
                        ),
                        (
                            "reason",
                            models.CharField(blank=True, max_length=500, verbose_name="理由"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="时间"),
                        ),
                        (
                            "application",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="creators.creatorapplication",
                            ),
                        ),
                        (
                            "article",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="articles.article",
                            ),
                        ),
                        (
                            "revision",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reviews",
                                to="articles.articlerevision",
                            ),
                        ),
                        (
                            "staff",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="审核人",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "审核记录",
                        "verbose_name_plural": "审核记录",
                        "db_table": "creators_reviewrecord",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("application__isnull", False), ("article__isnull", True)
                                    ),
                                    models.Q(
                                        ("application__isnull", True), ("article__isnull", False)
                                    ),
                                    _connector="OR",
                                ),
                                name="review_has_one_subject",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
