"""Creators who existed before 先审后发 were set up by staff: their published articles count as
reviewed, so they keep publishing without review."""

from django.db import migrations
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def forwards(apps, schema_editor):
    Creator = apps.get_model("creators", "Creator")
    Article = apps.get_model("articles", "Article")
    published = (
        Article.objects.filter(creator=OuterRef("pk"), status="published")
        .values("creator")
        .annotate(n=Count("id"))
        .values("n")
    )
    Creator.objects.update(approved_article_count=Coalesce(Subquery(published), Value(0)))


class Migration(migrations.Migration):
    dependencies = [
        ("creators", "0002_onboarding_and_review"),
        ("articles", "0002_studio"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
