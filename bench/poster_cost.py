"""Cost of one 分享海报 (openhao/articles/poster.py): time to draw it (p50/p95 over n runs, normal
and care mode, with a demo cover picture and with the generated background) and its size as
the JPEG it is served as against a PNG of the same pixels. No database: the poster's data is
made up here. `python bench/poster_cost.py [n]`."""

from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from datetime import datetime
from datetime import timezone as dt_timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openhao.settings.dev")


class _Picture:
    """Stands in for an image FieldFile: a name and a storage that opens it."""

    def __init__(self, data: bytes):
        self.name = "cover.jpg"
        self._data = data
        self.storage = self

    def __bool__(self) -> bool:
        return bool(self._data)

    def open(self, name, mode="rb"):
        return io.BytesIO(self._data)


def main() -> None:
    import django

    django.setup()
    from PIL import Image

    from openhao.articles import poster
    from openhao.demo.images import cover_jpeg

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    cover, _alt = cover_jpeg(random.Random(7), "travel")
    for label, picture in (("demo cover", _Picture(cover)), ("generated", _Picture(b""))):
        data = poster.PosterData(
            article_id=1,
            title="跑进春天：一座城市的马拉松记忆，从 Boston Marathon 到上海的 42.195 公里",
            summary="从起跑线到终点，记录一座城市的马拉松故事：清晨的广场、补给站的志愿者。",
            channel="体育",
            channel_id=3,
            creator_name="山海旅行家",
            avatar=_Picture(b""),
            cover=picture,
            published_at=datetime(2025, 5, 22, 8, 13, 50, tzinfo=dt_timezone.utc),
            url="https://hao.example.com/article/123456/",
            site_name="开放",
        )
        for care in (False, True):
            poster.render_poster(data, care=care)  # fonts loaded once per process
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                jpeg = poster.render_poster(data, care=care)
                samples.append((time.perf_counter() - start) * 1000)
            samples.sort()
            png = io.BytesIO()
            Image.open(io.BytesIO(jpeg)).save(png, format="PNG", optimize=True)
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            print(
                f"{label:10} {'care' if care else 'normal':6} "
                f"draw p50 {statistics.median(samples):.0f} ms / p95 {p95:.0f} ms, "
                f"JPEG {len(jpeg) / 1024:.0f} KiB, PNG {len(png.getvalue()) / 1024:.0f} KiB, "
                f"{Image.open(io.BytesIO(jpeg)).size}"
            )


if __name__ == "__main__":
    main()
