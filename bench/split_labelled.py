"""Write a stratified sample of a labelled ``category<TAB>title`` file and split it by category
into a tuning half and a held-out half (`make eval-related DATA=...` scores either):

    python bench/split_labelled.py [file.tsv] [per-category] [seed]

writes var/eval/sample.tsv (every category), var/eval/tune.tsv (the categories at even places
in sorted order) and var/eval/heldout.tsv (the others). Levers are chosen on tune.tsv and only
reported on heldout.tsv, whose categories the tuning never saw; the default size (300 titles a
category, 2,700 per half) is about that of a young site's corpus, and small enough for the
sentence model to embed here in minutes (bench/embed_cache.py keeps the vectors)."""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NLPCC = Path("shared") / "data" / "nlpcc2017-headlines" / "headlines.tsv"
# The checkout is /work/main or a worktree /work/wt/<name>: the data is under /work/shared.
DEFAULT = next((p / NLPCC for p in REPO.parents if (p / NLPCC).exists()), REPO.parent / NLPCC)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 14
    by_category: dict[str, list[str]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        category, tab, title = line.partition("\t")
        if tab and category.strip() and title.strip():
            by_category[category.strip()].append(line)
    rng = random.Random(seed)
    names = sorted(by_category)
    chosen = {c: rng.sample(by_category[c], min(per, len(by_category[c]))) for c in names}
    out = REPO / "var" / "eval"
    out.mkdir(parents=True, exist_ok=True)
    halves = {"tune": names[0::2], "heldout": names[1::2], "sample": names}
    for name, categories in halves.items():
        lines = [line for c in categories for line in chosen[c]]
        rng.shuffle(lines)
        (out / f"{name}.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{out / name}.tsv: {len(lines)} titles, categories {', '.join(categories)}")


if __name__ == "__main__":
    main()
