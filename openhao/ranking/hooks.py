"""Points in ranking's text index where apps above ranking keep their own index in step
(common/hooks.py says how hooks work; docs/architecture.md lists the listeners)."""

from openhao.common.hooks import Hook

# The discovery task indexed one article (text_index.article_discovery_update), public or not.
# Listeners get ``article_id``. search: index the article if it is public, drop it otherwise.
article_indexed = Hook("ranking.article_indexed")

# Every public article was indexed again in bulk (text_index.terms_rebuild, after bulk loads).
# Listeners get ``batch_size``. search: rebuild the search index.
index_rebuilt = Hook("ranking.index_rebuilt")
