"""The setting of the scripts that time discovery code on real embeddings (search_latency.py,
related_cost.py): Django on the SQLite database of a previous `make eval-related` run
(``EVAL_DB``), with the sentence model, no Redis and the nearest-neighbour index in memory."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def use() -> str:
    """Set the environment (before ``django.setup()``) and return the database's path."""
    sys.path.insert(0, str(REPO))
    db = os.environ.get("EVAL_DB", str(REPO / "var" / "eval-related.sqlite3"))
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["REDIS_URL"] = ""
    os.environ["OPENHAO_ANN_PATH"] = ""
    os.environ["OPENHAO_EMBEDDING_BACKEND"] = "e5"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")
    return db
