from django import template

from openhao.campaigns.selectors import campaign_for_topic

register = template.Library()


@register.simple_tag
def topic_campaign(topic):
    """The campaign run on this hashtag (the topic page links to it), or None."""
    return campaign_for_topic(topic.pk)


@register.filter
def money(amount, currency):
    """An integer amount as shown: 分 as 元 with two decimals, points as they are."""
    amount = int(amount or 0)
    if currency == "fen":
        sign = "-" if amount < 0 else ""
        amount = abs(amount)
        return f"{sign}¥{amount // 100}.{amount % 100:02d}"
    return f"{amount} 积分"
