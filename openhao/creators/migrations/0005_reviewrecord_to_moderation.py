# ReviewRecord moved to the moderation app with its table (moderation 0001 takes it over in the
# migration state): nothing happens to the database.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0004_revisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ReviewRecord")],
            database_operations=[],
        ),
    ]
