"""OpenCC implementations compared: conversion time of a 5,000-character article and whether
the outputs agree (docs/scripts.md).

Both distributions install a module named ``opencc``, so each is measured in its own
interpreter: ``python bench/opencc_compare.py PYTHON_A PYTHON_B`` runs this file under each
(``--one``) and compares what they print. With no arguments it measures the ``opencc`` of the
running interpreter only.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

CONFIGS = ("s2t", "s2twp", "s2hk", "t2s")
SEED = (
    "国足世预赛主场迎战日本队，球迷涌入体育场。软件工程师在网络上发布了一篇关于鼠标和打印机的"
    "文章，信息量很大。春天的第一场雨落在江南小城，老街的青石板路上行人撑着伞。这里面的内存、"
    "硬盘、数据库和服务器都是后台系统的组成部分；视频、音频与出租车、自行车的话题也常见。"
)


def article(chars: int = 5000) -> str:
    return (SEED * (chars // len(SEED) + 1))[:chars]


def measure_one() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    from opencc import OpenCC

    dist = "?"
    for name in ("opencc", "opencc-python-reimplemented"):
        try:
            dist = f"{name} {version(name)}"
            break
        except PackageNotFoundError:
            continue
    text = article()
    result = {"dist": dist, "chars": len(text), "configs": {}}
    for config in CONFIGS:
        started = time.perf_counter()
        converter = OpenCC(config)
        load_ms = (time.perf_counter() - started) * 1000
        # t2s reads the Traditional text the s2t converter makes.
        source = OpenCC("s2t").convert(text) if config == "t2s" else text
        runs = 20
        started = time.perf_counter()
        for _ in range(runs):
            out = converter.convert(source)
        per_ms = (time.perf_counter() - started) * 1000 / runs
        result["configs"][config] = {"load_ms": load_ms, "convert_ms": per_ms, "output": out}
    return result


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(measure_one(), ensure_ascii=False))
        return
    pythons = argv or [sys.executable]
    results = [
        json.loads(subprocess.check_output([p, __file__, "--one"], text=True)) for p in pythons
    ]
    print(f"article: {results[0]['chars']} characters, mean of 20 conversions")
    for config in CONFIGS:
        cells = [
            f"{r['dist']}: {r['configs'][config]['convert_ms']:.2f} ms "
            f"(load {r['configs'][config]['load_ms']:.0f} ms)"
            for r in results
        ]
        line = f"{config:6} " + " | ".join(cells)
        if len(results) > 1:
            outs = [r["configs"][config]["output"] for r in results]
            diff = sum(a != b for a, b in zip(outs[0], outs[1], strict=False))
            diff += abs(len(outs[0]) - len(outs[1]))
            line += f" | same output: {outs[0] == outs[1]} ({diff} characters differ)"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1:])
