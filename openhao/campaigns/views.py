import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openhao.common.cache import add_cache_tags, public_page
from openhao.creators.permissions import creator_required

from . import selectors, services
from .creator_index import advice, thresholds
from .forms import CampaignForm, TierFormSet
from .models import Campaign
from .permissions import operator_required
from .scoring import campaign_tag

REAL_NAME_PLACEHOLDER = "（实名信息由财务补全）"


# --- readers ----------------------------------------------------------------------------------


@require_safe
@public_page
def campaign_detail(request, campaign_slug):
    campaign = selectors.campaign_get_public(campaign_slug)
    add_cache_tags(request, campaign_tag(campaign.pk))
    return TemplateResponse(
        request,
        "campaigns/detail.html",
        {
            "campaign": campaign,
            "rules": selectors.campaign_rules(campaign),
            "tiers": list(campaign.tiers.all()),
            "board": selectors.leaderboard(campaign),
            "entries": selectors.entries_page(campaign, request.GET.get("after")),
            "results": selectors.results(campaign),
        },
    )


# --- operators --------------------------------------------------------------------------------


def _csv_response(filename: str, header: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@never_cache
@operator_required
@require_safe
def manage_list(request):
    return render(
        request, "campaigns/manage_list.html", {"campaigns": selectors.manage_campaigns()}
    )


def _edit(request, campaign: Campaign | None):
    instance = campaign or Campaign()
    if campaign is not None and campaign.ranks_frozen_at:
        messages.error(request, _("已开始结算的活动不能再修改。"))
        return redirect("campaigns_manage:detail", campaign.pk)
    form = CampaignForm(request.POST or None, instance=instance)
    tiers = TierFormSet(request.POST or None, instance=instance, prefix="tiers")
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        with transaction.atomic():
            saved = form.save()
            tiers.instance = saved
            tiers.save()
        messages.success(request, _("活动已保存。"))
        return redirect("campaigns_manage:detail", saved.pk)
    return render(
        request, "campaigns/manage_edit.html", {"form": form, "tiers": tiers, "campaign": campaign}
    )


@never_cache
@operator_required
def manage_new(request):
    return _edit(request, None)


@never_cache
@operator_required
def manage_edit(request, pk):
    return _edit(request, get_object_or_404(Campaign, pk=pk))


@never_cache
@operator_required
@require_safe
def manage_detail(request, pk):
    campaign = get_object_or_404(Campaign.objects.select_related("topic"), pk=pk)
    if request.GET.get("format") == "csv":
        rows = [
            (
                r["creator_id"],
                r["creator__display_name"],
                REAL_NAME_PLACEHOLDER,
                r["amount"],
                r["currency"],
                r["campaign__name"],
            )
            for r in selectors.payout_rows(campaign)
        ]
        header = ["creator_id", "creator", "real_name", "amount", "currency", "campaign"]
        return _csv_response(f"payouts-campaign-{campaign.pk}.csv", header, rows)
    return render(
        request,
        "campaigns/manage_detail.html",
        {
            "campaign": campaign,
            "tiers": list(campaign.tiers.all()),
            "board": selectors.leaderboard(campaign),
            "entries": selectors.manage_entries(campaign),
            "rejections": selectors.manage_rejections(campaign),
            "totals": selectors.ledger_totals(campaign),
            "plan": services.settlement_plan(campaign),
        },
    )


def _action(request, pk, action, done: str):
    campaign = get_object_or_404(Campaign, pk=pk)
    try:
        action(campaign=campaign)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, done)
    return redirect("campaigns_manage:detail", pk)


@never_cache
@operator_required
@require_POST
def manage_publish(request, pk):
    return _action(request, pk, services.campaign_publish, _("活动已发布。"))


@never_cache
@operator_required
@require_POST
def manage_close(request, pk):
    return _action(request, pk, services.campaign_close, _("活动已提前结束。"))


@never_cache
@operator_required
@require_POST
def manage_settle(request, pk):
    return _action(request, pk, services.campaign_settle, _("结算完成。"))


# --- studio -----------------------------------------------------------------------------------


@never_cache
@creator_required
@require_safe
def studio_campaigns(request):
    return render(
        request,
        "campaigns/studio_campaigns.html",
        {
            "nav": "campaigns",
            "creator": request.creator,
            "items": selectors.studio_campaigns(request.creator),
        },
    )


@never_cache
@creator_required
@require_safe
def studio_earnings(request):
    creator = request.creator
    ledger = selectors.creator_ledger(creator)
    if request.GET.get("format") == "csv":
        rows = [
            (
                r.created_at.isoformat(),
                r.campaign.name,
                r.get_kind_display(),
                r.note,
                r.rank,
                r.currency,
                r.amount,
            )
            for r in ledger
        ]
        header = ["time", "campaign", "kind", "tier", "rank", "currency", "amount"]
        return _csv_response(f"earnings-{creator.pk}.csv", header, rows)
    return render(
        request,
        "campaigns/studio_earnings.html",
        {
            "nav": "earnings",
            "creator": creator,
            "ledger": ledger,
            "totals": selectors.creator_earnings_totals(creator),
        },
    )


@never_cache
@creator_required
@require_safe
def studio_index(request):
    creator = request.creator
    index = selectors.creator_index(creator)
    return render(
        request,
        "campaigns/studio_index.html",
        {
            "nav": "index",
            "creator": creator,
            "index": index,
            "advice": advice(index) if index else [],
            "thresholds": thresholds(),
        },
    )
