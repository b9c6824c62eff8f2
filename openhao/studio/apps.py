from django.apps import AppConfig


class StudioConfig(AppConfig):
    """The creator's workspace: editor, autosave, uploads, preview, scheduling, the routes into
    数据中心. Its models are the articles' (drafts, revisions, images) and the creators'."""

    name = "openhao.studio"
    label = "studio"
