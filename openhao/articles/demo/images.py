"""Pillow-generated pictures for the demo: identicon avatars and landscape-like scenes.

Nothing here draws text (a CJK font may not be installed), and every picture is a pure function
of the ``random.Random`` passed in, so a seeded load produces the same bytes every time.
"""

from __future__ import annotations

import colorsys
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]


def _hex(color: str) -> RGB:
    color = color.lstrip("#")
    return (int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return (round(r * 255), round(g * 255), round(b * 255))


def _encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


# --- avatars -----------------------------------------------------------------------------------


def avatar_png(rng: random.Random, size: int = 200) -> bytes:
    """A symmetric 5×5 identicon or a stack of geometric shapes on a pale ground, as PNG."""
    hue = rng.random()
    fg = _hsv(hue, rng.uniform(0.45, 0.7), rng.uniform(0.6, 0.85))
    bg = _hsv(hue + rng.uniform(-0.08, 0.08), rng.uniform(0.06, 0.14), 0.97)
    image = Image.new("RGB", (size, size), bg)
    draw = ImageDraw.Draw(image)
    if rng.random() < 0.65:
        cells, pad = 5, size // 10
        cell = (size - 2 * pad) / cells
        for row in range(cells):
            for col in range(3):
                if rng.random() < 0.5:
                    for c in {col, cells - 1 - col}:
                        x0, y0 = pad + c * cell, pad + row * cell
                        draw.rectangle(
                            (round(x0), round(y0), round(x0 + cell) - 1, round(y0 + cell) - 1),
                            fill=fg,
                        )
    else:
        accent = _hsv(hue + 0.5, 0.5, 0.8)
        centre = size / 2
        rings = rng.randint(3, 5)
        for i in range(rings, 0, -1):
            radius = size * 0.42 * i / rings
            color = fg if i % 2 else _mix(fg, bg, 0.55)
            draw.ellipse(
                (centre - radius, centre - radius, centre + radius, centre + radius), fill=color
            )
        side = size * rng.uniform(0.18, 0.28)
        draw.polygon(
            [(centre, centre - side), (centre + side, centre + side * 0.8),
             (centre - side, centre + side * 0.8)],
            fill=accent,
        )  # fmt: skip
    return _encode(image, "PNG", optimize=True)


# --- scenes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    sky_top: str
    sky_horizon: str
    sun: str
    far: str
    near: str
    water: str


PALETTES: dict[str, Palette] = {
    "dawn": Palette("#2f3e6b", "#f6b48f", "#fff1c9", "#8a7fa3", "#2b2d4a", "#5a6a96"),
    "mist": Palette("#9fb8c8", "#e9eef0", "#ffffff", "#a9bcc4", "#4f6b70", "#b9cbd2"),
    "noon": Palette("#3b7dd8", "#bfe0f5", "#fffbe6", "#7fa6c2", "#2f5d3a", "#4f8fbf"),
    "dusk": Palette("#3a2358", "#f08a5d", "#ffd38a", "#7b4a73", "#241631", "#6b3f66"),
    "night": Palette("#0b1030", "#2e3c72", "#f3f0d8", "#2c355e", "#0a0d1f", "#1d2752"),
    "spring": Palette("#69b3e7", "#e6f4ea", "#fffde8", "#8fbf9a", "#2f6b3c", "#7fb8c9"),
    "autumn": Palette("#5e7fa8", "#f3d9a4", "#fff4d6", "#b08a5a", "#5b3a1e", "#8a9fb0"),
    "sea": Palette("#1f5f8b", "#a8dadc", "#ffffff", "#5b8fa8", "#1d3d4f", "#2a7ea8"),
}


def _ridge(rng: random.Random, points: int, roughness: float) -> list[float]:
    """A mountain ridge by midpoint displacement; values roughly in [-1, 1]."""
    size = 1
    while size < points - 1:
        size *= 2
    heights = [0.0] * (size + 1)
    heights[0], heights[size] = rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)
    step, scale = size, 1.0
    while step > 1:
        half = step // 2
        for i in range(half, size, step):
            heights[i] = (heights[i - half] + heights[i + half]) / 2 + rng.uniform(-scale, scale)
        step, scale = half, scale * roughness
    peak = max(abs(h) for h in heights) or 1.0
    return [h / peak for h in heights]


def _vertical_gradient(width: int, height: int, top: RGB, bottom: RGB) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    column.putdata([_mix(top, bottom, i / 255) for i in range(256)])
    return column.resize((width, height), Image.Resampling.BILINEAR)


def scene_jpeg(
    rng: random.Random,
    *,
    palette: str = "dawn",
    width: int = 1280,
    height: int = 720,
    water: bool = False,
    fields: bool = False,
    quality: int = 84,
) -> bytes:
    """A landscape-like picture: sky gradient, sun, layered ridges, and optionally a reflecting
    river or terraced fields in the foreground. Returned as JPEG bytes."""
    p = PALETTES[palette]
    sky_top, horizon_color = _hex(p.sky_top), _hex(p.sky_horizon)
    horizon = round(height * (0.6 if water else 0.72))
    image = _vertical_gradient(width, height, sky_top, horizon_color)
    draw = ImageDraw.Draw(image)

    # Sun or moon with a soft halo.
    sx, sy = rng.uniform(0.15, 0.85) * width, rng.uniform(0.18, 0.4) * height
    radius = height * rng.uniform(0.045, 0.07)
    halo = Image.new("L", (width, height), 0)
    ImageDraw.Draw(halo).ellipse(
        (sx - radius * 3, sy - radius * 3, sx + radius * 3, sy + radius * 3), fill=90
    )
    halo = halo.filter(ImageFilter.GaussianBlur(radius * 1.2))
    image.paste(Image.new("RGB", (width, height), _hex(p.sun)), mask=halo)
    draw.ellipse((sx - radius, sy - radius, sx + radius, sy + radius), fill=_hex(p.sun))

    # Ridges from far (hazy, close to the sky colour) to near (dark).
    far, near = _hex(p.far), _hex(p.near)
    layers = rng.randint(3, 4)
    for layer in range(layers):
        t = layer / max(layers - 1, 1)
        color = _mix(_mix(far, horizon_color, 0.35), near, t)
        base = horizon - height * (0.2 - 0.06 * layer)
        amplitude = height * rng.uniform(0.1, 0.15) * (1 - 0.2 * layer)
        heights = _ridge(rng, 65, rng.uniform(0.52, 0.6))
        step = width / (len(heights) - 1)
        outline = [(i * step, min(base + h * amplitude, horizon)) for i, h in enumerate(heights)]
        draw.polygon([*outline, (width, horizon), (0, horizon)], fill=color)

    if water:
        # Mirror what is above the horizon, darken it towards the water colour, add ripples.
        above = image.crop((0, horizon - (height - horizon), width, horizon))
        mirror = above.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        tint = Image.new("RGB", mirror.size, _hex(p.water))
        mirror = Image.blend(mirror, tint, 0.45).filter(ImageFilter.GaussianBlur(2))
        image.paste(mirror, (0, horizon))
        ripple = _mix(_hex(p.water), _hex(p.sun), 0.5)
        for _ in range(90):
            y = rng.uniform(horizon + 4, height)
            x = rng.uniform(0, width)
            length = rng.uniform(20, 140) * (y - horizon) / (height - horizon) + 10
            draw.line((x, y, x + length, y), fill=ripple, width=1)
    else:
        ground = _vertical_gradient(width, height - horizon, near, _mix(near, (0, 0, 0), 0.35))
        image.paste(ground, (0, horizon))
        if fields:
            greens = [_hex("#6fae5b"), _hex("#8cc46a"), _hex("#a9d67c"), _hex("#5d9a4c")]
            bands = rng.randint(5, 7)
            for band in range(bands):
                top = horizon + (height - horizon) * (band / bands) ** 1.3
                wave = _ridge(rng, 33, 0.45)
                step = width / (len(wave) - 1)
                edge = [(i * step, top + w * 12 * (band + 1) / bands) for i, w in enumerate(wave)]
                draw.polygon([*edge, (width, height), (0, height)], fill=greens[band % 4])
                line = _mix(greens[band % 4], (255, 255, 255), 0.25)
                draw.line(edge, fill=line, width=2)
    return _encode(image.filter(ImageFilter.SMOOTH), "JPEG", quality=quality, optimize=True)
