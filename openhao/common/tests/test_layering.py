"""The import rule between apps (docs/architecture.md, "Apps and layers"): an app imports only
the apps under it in ``ALLOWED``. A lower app that must start work in a higher one runs a hook
(openhao/common/hooks.py) that the higher app connects to; the few imports that still run
upward are listed in ``EXCEPTIONS``, each with its reason.

Read from the source (imports anywhere in a module, and dotted ``"openhao.<app>..."`` strings,
which ``import_string`` and ``include`` turn into imports), so nothing is imported or run."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

OPENHAO = Path(__file__).resolve().parents[2]
PROJECT_LEVEL = {"settings", "templates", "locale"}  # not apps: the composition root and data

# Each app and the apps it may import. The table has no cycle (checked below), so the apps form
# layers, lowest first.
ALLOWED: dict[str, set[str]] = {
    "common": set(),
    "accounts": {"common"},
    "creators": {"common", "accounts"},
    "articles": {"common", "accounts", "creators"},
    "analytics": {"common", "accounts", "creators", "articles"},
    "ranking": {"common", "accounts", "creators", "articles"},
    "search": {"common", "accounts", "creators", "articles", "ranking"},
    "engagement": {"common", "accounts", "creators", "articles", "analytics", "ranking"},
    # Import from the web and RSS: drafts through the articles' services, failures notified.
    "importer": {"common", "accounts", "creators", "articles", "engagement"},
    # The reader's own data: 注销 and 个人信息副本 across every app that holds some.
    "privacy": {
        "common",
        "accounts",
        "creators",
        "articles",
        "analytics",
        "ranking",
        "engagement",
        "importer",
        "moderation",
        "campaigns",
        "corrections",
        "federation",
    },
    # RSS/Atom feeds, sitemaps and robots.txt: reads of the public articles.
    "feeds": {"common", "accounts", "creators", "articles"},
    # Every staff decision and its audit trail; decisions notify through engagement.
    # Its content checks discount ring members' likes in the hot score (ranking).
    "moderation": {"common", "accounts", "creators", "articles", "ranking", "engagement"},
    # Campaigns (征文/激励计划), their ledger and the creator incentives; entry and scoring
    # through the articles and engagement hooks, moderation's answers through common's.
    "campaigns": {
        "common",
        "accounts",
        "creators",
        "articles",
        "analytics",
        "ranking",
        "engagement",
    },
    # 更正记录 (the page of articles' change log) and readers' 纠错; readers are notified
    # through engagement.
    "corrections": {"common", "accounts", "creators", "articles", "engagement"},
    # The creator's workspace: editor, uploads, preview, scheduling, the routes into 数据中心.
    "studio": {
        "common",
        "accounts",
        "creators",
        "articles",
        "analytics",
        "ranking",
        "search",
        "engagement",
        "moderation",
        "importer",
        "corrections",
    },
    # ActivityPub (docs/federation.md): creators and public articles as actors and objects,
    # told about changes through the articles' hooks.
    "federation": {"common", "accounts", "creators", "articles"},
    # The JSON API (docs/api.md): the reads and writes of every app, through their selectors
    # and services; no app imports it.
    "api": {
        "common",
        "accounts",
        "creators",
        "articles",
        "analytics",
        "ranking",
        "search",
        "engagement",
        "moderation",
        "privacy",
        "studio",
        "corrections",
    },
}
# Health, metrics, backups: reads every layer's state, and no app imports it.
ALLOWED["ops"] = set(ALLOWED) - {"demo"}
# The demo data set may import every app, and no app imports it.
ALLOWED["demo"] = set(ALLOWED)

# Imports that run against the table: (importing module, imported app) -> why. Each one must
# still be needed (a stale entry fails the test) and stands in docs/architecture.md.
EXCEPTIONS = {
    ("articles.views", "ranking"): "the reading pages show ranked lists (hot, 要闻, related)",
    ("articles.fragments", "ranking"): "the cached 热点推荐 block of the reading pages",
    ("ranking.selectors", "engagement"): "the personal 推荐 feed boosts followed creators",
    ("common.periodic", "engagement"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "articles"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "ranking"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "privacy"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "importer"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "moderation"): "the scheduler's job table names tasks by dotted path",
    ("common.periodic", "campaigns"): "the scheduler's job table names tasks by dotted path",
    ("common.management.commands.rundev", "settings"): "names the dev settings for its children",
}


def _apps() -> list[str]:
    return sorted(
        p.name
        for p in OPENHAO.iterdir()
        if (p / "apps.py").exists() and p.name not in PROJECT_LEVEL
    )


def _app_of(module: str) -> str | None:
    """The app a dotted module inside openhao belongs to, or None."""
    parts = module.split(".")
    if parts[0] != "openhao" or len(parts) < 2 or not (OPENHAO / parts[1]).is_dir():
        return None  # not a module of ours ("openhao.E001", a salt like "openhao.visitor-id")
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(OPENHAO.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(path: Path) -> list[tuple[str, int]]:
    """(dotted module or string, line) for every import and ``"openhao."`` string."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from pkg import mod`` may name modules: each is a target of its own.
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("openhao.")
        ):
            found.append((node.value, node.lineno))
    return found


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importing module, imported app) -> where, for imports between different apps."""
    edges: dict[tuple[str, str], list[str]] = {}
    for app in _apps():
        for path in sorted((OPENHAO / app).rglob("*.py")):
            if "tests" in path.relative_to(OPENHAO).parts:
                continue
            module = _module_name(path)
            source = _app_of(module)
            for target, line in _targets(path):
                imported = _app_of(target)
                if imported and imported != source:
                    key = (module.removeprefix("openhao."), imported)
                    edges.setdefault(key, []).append(f"{path.relative_to(OPENHAO)}:{line}")
    return edges


def _source_app(module: str) -> str:
    return _app_of(f"openhao.{module}")


def test_every_app_is_in_the_table():
    missing = sorted(set(_apps()) - set(ALLOWED))
    assert not missing, f"add these apps to ALLOWED (and docs/architecture.md): {missing}"


def test_the_table_has_no_cycle():
    done: set[str] = set()

    def visit(app: str, path: tuple[str, ...]) -> None:
        assert app not in path, f"cycle in ALLOWED: {' -> '.join((*path, app))}"
        if app in done:
            return
        for lower in ALLOWED[app]:
            visit(lower, (*path, app))
        done.add(app)

    for app in ALLOWED:
        visit(app, ())


def test_the_split_apps_stand_where_they_belong():
    assert all("demo" not in allowed for app, allowed in ALLOWED.items() if app != "demo")
    assert ALLOWED["demo"] >= set(ALLOWED) - {"demo"}
    assert {"articles", "creators"} <= ALLOWED["moderation"]
    assert {"articles", "creators", "moderation"} <= ALLOWED["studio"]


def test_apps_import_only_the_apps_under_them():
    wrong = {
        f"{module} -> {app}: {', '.join(where)}"
        for (module, app), where in _edges().items()
        if app not in ALLOWED[_source_app(module)] and (module, app) not in EXCEPTIONS
    }
    assert not wrong, (
        "these imports run against the table in this test (docs/architecture.md): make the "
        "call from the higher app, or run a hook (openhao/common/hooks.py):\n"
        + "\n".join(sorted(wrong))
    )


@pytest.mark.parametrize("exception", sorted(EXCEPTIONS))
def test_every_exception_is_still_needed(exception):
    module, app = exception
    assert exception in _edges(), f"{module} no longer imports {app}: remove the exception"
    assert app not in ALLOWED[_source_app(module)], "the table allows it already: remove it"


def test_the_rule_sees_function_level_imports_and_dotted_strings():
    # The check itself: an import inside a function and an import_string path both count.
    sample = OPENHAO / "common" / "periodic.py"
    targets = {t for t, _line in _targets(sample)}
    assert "openhao.ranking.tasks.idf_refresh" in targets
    views = {t for t, _line in _targets(OPENHAO / "ranking" / "selectors.py")}
    assert any(t.startswith("openhao.engagement.models") for t in views)
