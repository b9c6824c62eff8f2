"""Rules on names that end up in URLs. One place, called by the model field (admin), the
studio form and the service that creates topics."""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_topic_name(name: str) -> None:
    """A topic's name is its URL (``/topic/<name>/``, percent-encoded by ``reverse``), and "/"
    is allowed in it (春天/旅行). What no URL carries reliably is refused: control characters
    (NUL cannot even be stored in PostgreSQL), and "/"-separated segments that are empty, "."
    or "..", which browsers and proxies collapse or resolve before the request reaches us."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationError(_("话题不能含有控制字符。"), code="topic_control")
    if any(segment in ("", ".", "..") for segment in name.split("/")):
        raise ValidationError(
            _("话题“%(name)s”不能以“/”开头或结尾，不能有连续的“/”，也不能有只含“.”或“..”的一段。")
            % {"name": name},
            code="topic_segment",
        )
