"""Content-Security-Policy helpers that settings can import (standard library only).

The studio's rich-text editor (django-prose-editor, built on Tiptap) injects one small
``<style>`` element with ProseMirror's base rules when it starts, and offers no way to give it
the page's nonce. Rather than allow inline styles, the policy allows exactly that stylesheet by
its hash, read from the installed editor so that an upgrade cannot leave a stale hash behind
(``openhao/common/tests/test_security_headers.py`` fails if the stylesheet cannot be found; the
browser tests fail on the violation it would cause).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from functools import cache
from pathlib import Path

# Tiptap keeps its base stylesheet as a template literal that starts like this.
_TIPTAP_CSS_START = "`.ProseMirror {\n  position: relative;\n}"


def csp_hash(text: str) -> str:
    """The CSP source expression that allows an inline block with exactly ``text``."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _editor_js() -> Path | None:
    spec = importlib.util.find_spec("django_prose_editor")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)))
    path = path / "static" / "django_prose_editor" / "editor.js"
    return path if path.is_file() else None


@cache
def editor_style_hashes() -> tuple[str, ...]:
    """Hash sources for the style element the editor injects (none if it cannot be found)."""
    path = _editor_js()
    if path is None:
        return ()
    source = path.read_text(encoding="utf-8")
    start = source.find(_TIPTAP_CSS_START)
    end = source.find("`", start + 1) if start != -1 else -1
    if end == -1:
        return ()
    css = source[start + 1 : end]
    if "\\" in css or "${" in css:  # an escape or a substitution: the runtime text differs
        return ()
    return (csp_hash(css),)
