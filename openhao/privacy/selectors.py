"""Reads of privacy."""

from __future__ import annotations

from django.utils import timezone

from .models import DataExport

EXPORTS_SHOWN = 10


def exports_of(*, user) -> list[DataExport]:
    # export_user_idx (user, -created_at)
    return list(DataExport.objects.filter(user=user).order_by("-created_at", "-id")[:EXPORTS_SHOWN])


def export_for_download(*, user, token: str) -> DataExport | None:
    # token is unique; the owner and the time are checked as well.
    return DataExport.objects.filter(
        token=token,
        user=user,
        status=DataExport.Status.READY,
        expires_at__gt=timezone.now(),
    ).first()
