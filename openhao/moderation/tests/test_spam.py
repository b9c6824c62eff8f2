"""The spam rules as pure functions: each trips exactly at its threshold, and the
configuration refuses unknown rules and knobs."""

from datetime import UTC, datetime, timedelta

import pytest

from openhao.moderation import spam

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


def post(text, *, age_days=30, recent=(), counts=None, rules=None):
    return spam.check_post(
        text=text,
        joined_at=NOW - timedelta(days=age_days),
        now=NOW,
        recent_texts=recent,
        domain_counts=counts or {},
        rules=rules or spam.config(),  # the defaults, not the test settings
    )


def names(findings):
    return [f.rule for f in findings]


def test_domains_are_found_in_urls_and_bare_names():
    text = "看 https://www.Example.com/a?b=1 和 shop.spam.xyz，还有 http://127.0.0.1:8000/x"
    assert spam.domains(text) == {"example.com", "shop.spam.xyz", "127.0.0.1"}
    assert spam.domains("没有链接，版本 3.14") == set()


def test_young_accounts_posting_links_are_held():
    assert names(post("加我 www.spam.com", age_days=1)) == ["young_links"]
    assert post("加我 www.spam.com", age_days=3) == []
    assert post("没有链接", age_days=0) == []


def test_the_age_is_a_knob():
    rules = spam.config({"young_links": {"min_age_days": 7}})
    assert names(post("www.spam.com", age_days=5, rules=rules)) == ["young_links"]


def test_repeated_text_counts_normalised_repeats():
    recent = ["好文章，关注我！", "好文章，关注我！ ", "ＨＥＬＬＯ", "好文章,关注我!"]
    assert post("好文章，关注我！", recent=recent[:2]) == []
    assert names(post("好文章，关注我！", recent=recent[:2] + ["好 文 章，关注我！"])) == [
        "repeated_text"
    ]
    assert post("hello", recent=["ＨＥＬＬＯ", "Hello"]) == []
    assert names(post("hello", recent=["ＨＥＬＬＯ", "Hello", "HELLO"])) == ["repeated_text"]


def test_a_flooding_domain_is_held_after_the_limit():
    assert post("看 spam.com", counts={"spam.com": 9}) == []
    assert names(post("看 spam.com", counts={"spam.com": 10})) == ["domain_flood"]
    allowed = spam.config({"domain_flood": {"allowed_domains": ["spam.com"]}})
    assert post("看 spam.com", counts={"spam.com": 99}, rules=allowed) == []


def test_a_disabled_rule_does_nothing():
    off = spam.config({"young_links": {"enabled": False}})
    assert post("www.spam.com", age_days=0, rules=off) == []


def test_unknown_rules_and_knobs_are_refused():
    with pytest.raises(ValueError):
        spam.config({"nope": {}})
    with pytest.raises(ValueError):
        spam.config({"young_links": {"min_age": 3}})


def ring_params(**kw):
    params = dict(spam.config()["reaction_ring"])
    params.update(kw)
    return params


def test_a_reaction_ring_is_found():
    ring = [1, 2, 3]
    reactions = []
    for giver in ring:
        others = [a for a in ring if a != giver]
        reactions += [(giver, others[i % 2]) for i in range(45)]
        reactions += [(giver, 100 + i) for i in range(5)]  # 10 % elsewhere
    # An honest reader who likes the ring's articles a lot, and others too.
    reactions += [(9, 1)] * 30 + [(9, 200 + i) for i in range(30)]
    assert spam.reaction_rings(reactions, **ring_params()) == [frozenset(ring)]


def test_no_ring_below_the_thresholds():
    ring = [1, 2, 3]
    reactions = []
    for giver in ring:
        others = [a for a in ring if a != giver]
        reactions += [(giver, others[i % 2]) for i in range(35)]
        reactions += [(giver, 100 + i) for i in range(15)]  # 70 % inside: below 80 %
    assert spam.reaction_rings(reactions, **ring_params()) == []
    # Two accounts only.
    pair = [(1, 2)] * 60 + [(2, 1)] * 60
    assert spam.reaction_rings(pair, **ring_params()) == []
    # Too few reactions each.
    small = [(g, a) for g in ring for a in ring if a != g for _ in range(10)]
    assert spam.reaction_rings(small, **ring_params()) == []
    assert spam.reaction_rings(small, **ring_params(min_reactions=20)) == [frozenset(ring)]


def test_two_separate_rings_are_two():
    reactions = []
    for ring in ([1, 2, 3], [11, 12, 13, 14]):
        for giver in ring:
            for author in ring:
                if author != giver:
                    reactions += [(giver, author)] * 30
    found = spam.reaction_rings(reactions, **ring_params())
    assert found == [frozenset({1, 2, 3}), frozenset({11, 12, 13, 14})]


def test_honeypot():
    assert spam.honeypot(data={"website": ""}, field="website") is None
    assert spam.honeypot(data={}, field="website") is None
    assert spam.honeypot(data={"website": "http://x"}, field="website").rule == "honeypot"


def test_the_settings_tune_the_rules(settings):
    settings.OPENHAO_MODERATION_SPAM_RULES = '{"repeated_text": {"max_repeats": 1}}'
    assert spam.configured()["repeated_text"]["max_repeats"] == 1
    assert names(post("同一句话", recent=["同一句话"], rules=spam.configured())) == [
        "repeated_text"
    ]
    settings.OPENHAO_MODERATION_SPAM_RULES = '{"repeated_text": {"max": 1}}'
    with pytest.raises(ValueError):
        spam.configured()
