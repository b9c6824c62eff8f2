"""Points in the article services where the apps above articles take part (common/hooks.py says
how hooks work; docs/architecture.md lists the listeners). Both run inside the writing
transaction: a listener that hands work to another process enqueues it on commit."""

from openhao.common.hooks import Hook

# An article went public (article_publish: a publish, an approval, a due schedule). Listeners
# get ``article_id``. engagement: notify the creator's followers.
article_published = Hook("articles.article_published")

# What readers see of an article may have changed: published, edited, unpublished, removed, or
# edited in the admin. Listeners get ``article_id``. ranking: score now, then keywords,
# 相关推荐 and (through ranking's own hooks) the search entry.
article_changed = Hook("articles.article_changed")

# Before an article goes public or a published one is changed in place: article_submit, and
# article_update of a published article outside 先审后发. Listeners get ``article`` (carrying
# the texts about to go public, not yet saved) and return None, or a short note for the
# creator to send it to review instead (the article goes to pending, an edit becomes its
# pending revision); they may clear ``article.is_original``. moderation: review-words and the
# 原创 check.
article_publish_check = Hook("articles.article_publish_check")
