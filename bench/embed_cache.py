"""A disk cache of sentence-model embeddings for the evaluations (bench/eval_related.py): the
model takes ~30-45 ms per headline on this machine, so 36,000 headlines cost ~20 minutes
once; later runs read the vectors from var/embed-cache/<model>.npz. Keys are a hash of the
embedded text and the prefix side, so a change of ``article_text`` or of the prefix misses."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
DIR = REPO / "var" / "embed-cache"


def _key(text: str, side: str) -> str:
    return hashlib.blake2b(f"{side}\x00{text}".encode(), digest_size=10).hexdigest()


class Cache:
    def __init__(self, model: str):
        self.path = DIR / f"{model}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        if self.path.exists():
            with np.load(self.path) as data:
                self.vectors = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    def get_many(self, texts: list[str], side: str, compute) -> np.ndarray:
        keys = [_key(t, side) for t in texts]
        missing = sorted(
            {k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items()
        )
        for start in range(0, len(missing), 256):
            chunk = missing[start : start + 256]
            vectors = compute([t for _k, t in chunk])
            for (k, _t), v in zip(chunk, vectors, strict=True):
                self.vectors[k] = v.astype(np.float16)
            self.dirty = True
            if start % 2048 == 0 and len(missing) > 1:
                print(f"  embedded {start + len(chunk)}/{len(missing)}", flush=True)
                self.save()
        return (
            np.vstack([self.vectors[k].astype(np.float32) for k in keys])
            if keys
            else np.zeros((0, 0))
        )

    def save(self) -> None:
        if not self.dirty:
            return
        DIR.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vectors=np.vstack([self.vectors[k] for k in keys]))
        tmp.replace(self.path)
        self.dirty = False
