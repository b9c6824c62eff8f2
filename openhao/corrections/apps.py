from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "openhao.corrections"
    label = "corrections"
    verbose_name = "更正与纠错"
