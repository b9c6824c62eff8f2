from django.apps import AppConfig


class ImporterConfig(AppConfig):
    """Bringing articles in from the web: one URL or pasted HTML into a draft, and RSS/Atom
    feed subscriptions polled by the scheduler (docs/importer.md)."""

    name = "openhao.importer"
    label = "importer"
