"""The 审核 and 运营 groups with least privilege (docs/moderation.md, "Roles").

审核 works the queue: reports, comments, applications, first articles, takedowns and
suspensions. 运营 does all of that and also decides appeals and edits the word lists (and,
later, campaigns). Neither gets the admin's add/change/delete of any model: every decision goes
through the moderation services, which check these permissions."""

from django.db import migrations

ROLES = {
    "审核": ["review_content", "view_moderationaction", "view_report"],
    "运营": [
        "review_content",
        "decide_appeal",
        "manage_wordlists",
        "view_moderationaction",
        "view_report",
        "view_appeal",
        "view_creditevent",
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("moderation")
    config.models_module = True  # create_permissions skips an app without a models module
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="moderation", codename__in=codenames
            )
        )
    # Staff reviewed applications and first articles before the roles existed (is_staff was
    # the check): they keep doing so as 审核, and an administrator moves them on from there.
    User = apps.get_model("accounts", "User")
    reviewer = Group.objects.get(name="审核")
    reviewer.user_set.add(*User.objects.filter(is_staff=True, is_active=True))


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0003_reports_actions_credit"),
        ("accounts", "0002_user_avatar_user_motto"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
