"""数据中心 pages (charts drawn by the vendored Chart.js from JSON embedded in the page, with
the same numbers as an HTML table for screen readers and without JavaScript) and CSV export."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from openhao.articles import selectors as article_selectors
from openhao.creators.permissions import creator_required

from . import selectors

METRIC_LABELS = {
    "reads": gettext_lazy("阅读"),
    "likes": gettext_lazy("点赞"),
    "comments": gettext_lazy("评论"),
    "shares": gettext_lazy("分享"),
    "new_followers": gettext_lazy("新增关注"),
}


def _period(request) -> int:
    try:
        period = int(request.GET.get("days", 30))
    except ValueError:
        period = 30
    return period if period in selectors.PERIODS else 30


def _chart_data(series) -> dict:
    return {
        "labels": [d.strftime("%m-%d") for d in series.days],
        "datasets": [
            {"key": m, "label": str(METRIC_LABELS[m]), "data": series.values[m]}
            for m in selectors.METRICS
        ],
    }


def _csv(series, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: Excel opens UTF-8 Chinese headers correctly
    writer = csv.writer(response)
    writer.writerow([_("日期")] + [str(METRIC_LABELS[m]) for m in selectors.METRICS])
    for day, values in series.rows():
        writer.writerow([day.isoformat(), *values])
    return response


@never_cache
@creator_required
@require_safe
def dashboard(request):
    creator = request.creator
    period = _period(request)
    series = selectors.creator_series(creator, period)
    if request.GET.get("format") == "csv":
        return _csv(series, f"openhao-creator-{creator.pk}-{period}d.csv")
    return render(
        request,
        "studio/analytics.html",
        {
            "nav": "analytics",
            "creator": creator,
            "period": period,
            "periods": selectors.PERIODS,
            "series": series,
            "chart": _chart_data(series),
            "totals": selectors.creator_totals(creator),
            "articles": selectors.creator_article_table(creator),
            "labels": METRIC_LABELS,
        },
    )


@never_cache
@creator_required
@require_safe
def article(request, pk):
    article = article_selectors.studio_article_get(request.creator, pk)
    period = _period(request)
    series = selectors.article_series(article, period)
    if request.GET.get("format") == "csv":
        return _csv(series, f"openhao-article-{article.pk}-{period}d.csv")
    return render(
        request,
        "studio/analytics_article.html",
        {
            "nav": "analytics",
            "article": article,
            "period": period,
            "periods": selectors.PERIODS,
            "series": series,
            "chart": _chart_data(series),
            "labels": METRIC_LABELS,
        },
    )
