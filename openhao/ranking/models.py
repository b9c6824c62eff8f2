from django.conf import settings
from django.db import models

from openhao.articles.models import Article, Channel
from openhao.creators.models import Creator


class ArticleScore(models.Model):
    """Denormalised ranking row of one public article: exactly the columns the hot and top-story
    queries filter and sort on, so those queries never touch the article table's wide rows.
    Only published articles have a row (``services.article_score_refresh`` keeps it so)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="score"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    hot = models.FloatField(default=0.0)

    class Meta:
        indexes = [
            # selectors._hot_from_db: highest scores first; recent articles dominate the top
            # because the score grows with publish time, so the window filter stops early.
            # The id breaks ties for the feed's keyset cursor (selectors.feed_page), so a page
            # below the cursor is read in index order and stops at its LIMIT.
            models.Index(fields=["-hot", "-article"], name="ranking_hot_idx"),
            # selectors._top_from_db: per channel, highest scores first.
            models.Index(fields=["channel", "-hot"], name="ranking_channel_hot_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.hot:.3f}"


class ArticleTerms(models.Model):
    """The keyword vector of one public article (related.py): term → weight, L2-normalised
    TF-IDF over the site's own IDF table, plus the denormalised fields the related scorer needs,
    so re-ranking a candidate pool is one primary-key query."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="terms"
    )
    # Raw term frequencies, kept so that an IDF refresh can re-weight without re-segmenting.
    counts = models.JSONField(default=dict)
    vector = models.JSONField(default=dict)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()
    topic_ids = models.JSONField(default=list)
    # Unit-length embedding from the corpus's term embeddings (embedding.py); [] before the
    # first IDF refresh has learned them.
    embedding = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"terms of {self.article_id}"


class ArticleEmbedding(models.Model):
    """The sentence-model embedding of one public article (embedders.py), int8 with one scale
    (388 bytes for 384 dimensions instead of ~3.5 kB of JSON floats). Written by the publish/edit
    task and ``manage.py embed_articles``, never in a request; the nearest-neighbour index
    (ann.py) is a copy of these rows."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    model = models.CharField(max_length=24)
    vector = models.BinaryField()
    scale = models.FloatField()
    # Hash of the embedded text: an edit that leaves it unchanged costs no model call, and a
    # resumed ``embed_articles`` skips what is done.
    text_hash = models.CharField(max_length=16)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [
            # ann.AnnIndex.sync: rows changed since the index was last brought up to date.
            models.Index(fields=["updated_at"], name="ranking_embedding_upd_idx"),
        ]

    def __str__(self) -> str:
        return f"embedding of {self.article_id} ({self.model})"


class TermPosting(models.Model):
    """Inverted index of each article's strongest terms (candidate generation for related)."""

    term = models.CharField(max_length=24)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    weight = models.FloatField()

    class Meta:
        indexes = [
            # related.candidate_scores: one term's newest postings (a range scan, LIMIT per
            # term). On PostgreSQL the weight is included, so the scan never visits the table
            # (an index-only scan: 1,500 postings cost ~10 pages instead of ~1,300).
            models.Index(
                fields=["term", "-article"], include=["weight"], name="ranking_posting_term_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.article_id}"


class TermStat(models.Model):
    """Document frequency of a term over the public articles (the site's IDF table), refreshed
    by the ``idf_refresh`` task. The row with the empty term holds the number of documents."""

    term = models.CharField(max_length=24, primary_key=True)
    df = models.PositiveIntegerField()
    # The term's embedding (embedding.py), learned by idf_refresh; null for rare terms.
    embedding = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"


class RelatedArticle(models.Model):
    """相关推荐 of one article, computed on publish/edit and read with one query."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_rows")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_to")
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    # The strongest signal behind the choice (related.REASONS), shown as "为什么推荐".
    reason = models.CharField(max_length=12, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "rank"], name="ranking_related_rank_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} #{self.rank}: {self.related_id}"


class FeedHidden(models.Model):
    """An article a reader hid from their 推荐 feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="ranking_feedhidden_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hides {self.article_id}"


class FeedMuted(models.Model):
    """A creator a reader muted in their 推荐 feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "creator"], name="ranking_feedmuted_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.creator_id}"


class ReadHistory(models.Model):
    """What a signed-in reader read recently: the source of the 推荐 feed's "close to what you
    read" candidates and of its already-read exclusion. Written only in batches by the read
    flush (``services.read_history_record``), never per page view, and trimmed to the newest
    ``services.HISTORY_PER_USER`` rows per reader."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="ranking_readhistory_uniq")
        ]
        indexes = [
            # selectors.read_history_ids and the trim in services.read_history_record: one
            # reader's newest reads first.
            models.Index(fields=["user", "-read_at"], name="ranking_readhistory_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.article_id}"


class ReadHistoryRemoval(models.Model):
    """A reader removed one entry of their 阅读历史 at ``removed_at``. The read that put it
    there may still sit in the read buffer (up to a flush interval): the flush
    (``history.read_history_record``) drops reads of that article from before this time, so
    the entry does not come back. Kept a day (``history.REMOVAL_KEEP``), then pruned."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    removed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"], name="ranking_readhistoryremoval_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} removed {self.article_id}"
