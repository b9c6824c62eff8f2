from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set and ``loaddemo``; installed everywhere, since its system check is what
    makes production refuse the demo accounts."""

    name = "openhao.demo"
    label = "demo"

    def ready(self):
        from . import checks  # noqa: F401  (system check)
