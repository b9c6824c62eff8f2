"""The default sections and channels: the portal's 要闻 boxes and its 态度原创 sections.

Used by the demo loader and the benchmarks; a real deployment edits them in the admin."""

from __future__ import annotations

from django.db import transaction

from openhao.articles.models import Channel, Section

# (section slug, name, is_original, [(channel slug, name, box title), ...])
STRUCTURE = [
    (
        "news",
        "要闻",
        False,
        [
            ("toutiao", "头条", "头条要闻"),
            ("sports", "体育", "体育要闻"),
            ("ent", "娱乐", "娱乐要闻"),
            ("money", "财经", "财经要闻"),
            ("tech", "科技", "科技要闻"),
            ("auto", "汽车", "汽车要闻"),
        ],
    ),
    (
        "original",
        "态度原创",
        True,
        [
            ("home", "家居", "家居"),
            ("travel", "旅游", "旅游"),
            ("local", "本地", "本地"),
            ("open", "公开课", "公开课"),
            ("mil", "军事航空", "军事航空"),
        ],
    ),
]


@transaction.atomic
def ensure_channels() -> dict[str, Channel]:
    """Create the default sections and channels if missing; return channels by slug."""
    channels: dict[str, Channel] = {}
    order = 0
    for s_order, (s_slug, s_name, s_original, channel_rows) in enumerate(STRUCTURE):
        section, _ = Section.objects.get_or_create(
            slug=s_slug, defaults={"name": s_name, "order": s_order, "is_original": s_original}
        )
        for c_slug, c_name, box_title in channel_rows:
            order += 1
            channel, _ = Channel.objects.get_or_create(
                slug=c_slug,
                defaults={
                    "name": c_name,
                    "section": section,
                    "box_title": box_title,
                    "order": order,
                },
            )
            channels[c_slug] = channel
    return channels
