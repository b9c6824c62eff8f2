"""The studio editor's toolbar and dialogs are Chinese: the page carries the table of
openhao/articles/editor_strings.py for js/editor-i18n.js, ahead of the editor's modules, and the
table covers every English string the installed django-prose-editor shows."""

import json
import re
from pathlib import Path

import django_prose_editor
import pytest

from openhao.articles.editor_strings import EDITOR_STRINGS

pytestmark = pytest.mark.django_db

EDITOR_JS = (
    Path(django_prose_editor.__file__).parent / "static" / "django_prose_editor" / "editor.js"
)


def english_strings_of_the_editor() -> set[str]:
    """What editor.js passes to its gettext alias, and the titles of its toolbar buttons."""
    source = EDITOR_JS.read_text(encoding="utf-8")
    alias = re.search(r"(\w+)=window\.gettext\|\|", source)
    assert alias, "django-prose-editor no longer translates through window.gettext"
    found = set(re.findall(rf'\b{re.escape(alias.group(1))}\("([^"]+)"\)', source))
    found |= set(re.findall(r'material\("[a-z_]+","([^"]+)"\)', source))
    found |= {f"heading {n}" for n in range(1, 7)} | {f"Heading {n}" for n in range(1, 7)}
    return found


def test_every_english_string_of_the_editor_has_chinese():
    strings = english_strings_of_the_editor()
    assert len(strings) > 40
    missing = sorted(strings - set(EDITOR_STRINGS))
    assert missing == []
    for english, chinese in EDITOR_STRINGS.items():
        assert re.search(r"[\u4e00-\u9fff]", str(chinese)), (english, chinese)


def test_the_editor_page_hands_the_strings_to_the_script_before_the_editor_loads(client, creator):
    client.force_login(creator.user)
    html = client.get("/studio/articles/new/").content.decode()
    data = re.search(
        r'<script id="prose-editor-strings" type="application/json">(.*?)</script>', html, re.S
    )
    assert data, html
    strings = json.loads(data.group(1))
    assert strings["Heading 2"] == "二级标题" and strings["bold"] == "加粗"
    assert strings["insert link"] == "插入链接" and strings["undo"] == "撤销"
    assert strings["List properties"] == "列表属性"
    script = html.index("js/editor-i18n.js")
    assert data.start() < script < html.index("django_prose_editor/editor.js")
