"""The run_campaigns permission, granted to the 运营 group (moderation's 0004_roles made the
roles). Until now the check was "staff or 运营": staff who ran campaigns without being in 运营
are not moved anywhere; an administrator puts them in 运营 (docs/campaigns.md)."""

from django.db import migrations


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # The permission row is normally made after all migrations (post_migrate): make it now.
    config = apps.get_app_config("campaigns")
    config.models_module = True  # create_permissions skips an app without a models module
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="运营")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="campaigns", codename="run_campaigns")
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(content_type__app_label="campaigns", codename="run_campaigns").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_leaderboard_table_hot_entries"),
        ("moderation", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="campaign",
            options={
                "ordering": ["-starts_at", "-pk"],
                "permissions": [("run_campaigns", "运行活动（创建、发布、结束、结算）")],
                "verbose_name": "活动",
                "verbose_name_plural": "活动",
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
