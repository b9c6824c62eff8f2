"""Pillow-generated pictures for the demo: identicon avatars, landscape-like scenes and one
cover per article whose motif follows the channel (a skyline for 头条, a pitch or a track for 体育,
a stage for 娱乐, a chart for 财经, a circuit board for 科技, a road for 汽车, a room for 家居, a
landscape for 旅游, a street for 本地, stars or books for 公开课, aircraft or a ship for 军事航空)
and whose colours and layout follow the article.

Nothing here draws text (a CJK font may not be installed), and every picture is a pure function
of the ``random.Random`` passed in, so a seeded load produces the same bytes every time. Covers
are drawn with plain polygons at 640×360 and no full-frame blur: about 10 ms each.
"""

from __future__ import annotations

import colorsys
import io
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

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
    ramp = Image.linear_gradient("L").resize((1, height), Image.Resampling.BILINEAR)
    return ImageOps.colorize(ramp, top, bottom).resize((width, height), Image.Resampling.NEAREST)


def scene_jpeg(
    rng: random.Random,
    *,
    palette: str = "dawn",
    width: int = 1280,
    height: int = 720,
    water: bool = False,
    fields: bool = False,
    quality: int = 84,
    smooth: bool = True,
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
    # Blurred at a quarter of the size and scaled up: the same soft glow for a fraction of the
    # cost of blurring the full frame.
    q = 4
    halo = Image.new("L", (width // q, height // q), 0)
    ImageDraw.Draw(halo).ellipse(
        (
            (sx - radius * 3) / q,
            (sy - radius * 3) / q,
            (sx + radius * 3) / q,
            (sy + radius * 3) / q,
        ),
        fill=90,
    )
    halo = halo.filter(ImageFilter.GaussianBlur(radius * 1.2 / q))
    halo = halo.resize((width, height), Image.Resampling.BILINEAR)
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
    if smooth:  # softens the polygon edges; covers skip it, it is the slowest step
        image = image.filter(ImageFilter.SMOOTH)
    return _encode(image, "JPEG", quality=quality, optimize=smooth)


# --- covers ------------------------------------------------------------------------------------

COVER_SIZE = (640, 360)
# Times of day for the outdoor motifs: (sky top, sky at the horizon, word for the alt text).
SKIES = (
    ("#1f4e8c", "#9ccbe8", "晴朗的白天"),
    ("#2f3e6b", "#f6b48f", "清晨"),
    ("#3a2358", "#f08a5d", "黄昏"),
    ("#0b1030", "#2e3c72", "夜晚"),
    ("#5e7fa8", "#dfe7ee", "阴天"),
)


@dataclass
class _Canvas:
    rng: random.Random
    width: int
    height: int
    hue: float

    def __post_init__(self):
        self.image = Image.new("RGB", (self.width, self.height))
        self.draw = ImageDraw.Draw(self.image)

    def color(self, dh: float = 0.0, s: float = 0.6, v: float = 0.8) -> RGB:
        return _hsv(self.hue + dh, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))

    def gradient(self, top: RGB, bottom: RGB, y0: int = 0, y1: int | None = None) -> None:
        y1 = self.height if y1 is None else y1
        self.image.paste(_vertical_gradient(self.width, max(y1 - y0, 1), top, bottom), (0, y0))

    def sky(self, skies=SKIES, horizon: float | None = None) -> tuple[str, bool]:
        """A sky of some time of day, tinted by the article's own hue so that two covers with
        the same time of day still differ."""
        top, bottom, word = self.rng.choice(skies)
        tint = self.color(0.0, 0.5, 0.7)
        top = _mix(_hex(top), tint, self.rng.uniform(0.15, 0.35))
        bottom = _mix(_hex(bottom), tint, self.rng.uniform(0.1, 0.3))
        y = round(self.height * (horizon or self.rng.uniform(0.55, 0.7)))
        self.gradient(top, bottom, 0, y)
        return word, word == "夜晚"


def _skyline(c: _Canvas) -> str:
    word, night = c.sky()
    rng, w, h = c.rng, c.width, c.height
    ground = round(h * 0.78)
    for layer, (v, s) in enumerate(((0.42, 0.25), (0.22, 0.35))):
        x = rng.uniform(-30, 0)
        while x < w:
            bw = rng.uniform(28, 80) * (1 + layer * 0.3)
            bh = rng.uniform(0.18, 0.55) * h * (1.15 - 0.25 * layer)
            top = ground - bh
            c.draw.rectangle((x, top, x + bw, ground), fill=c.color(0.02 * layer, s, v))
            if rng.random() < 0.25:  # a spire or a stepped roof
                c.draw.rectangle((x + bw * 0.4, top - 18, x + bw * 0.6, top), fill=c.color(0, s, v))
            lit = _hex("#ffe8a3") if night else c.color(0.5, 0.15, 0.95)
            for wy in range(int(top) + 8, ground - 8, 12):
                for wx in range(int(x) + 6, int(x + bw) - 6, 10):
                    if rng.random() < (0.45 if night else 0.18):
                        c.draw.rectangle((wx, wy, wx + 4, wy + 6), fill=lit)
            x += bw + rng.uniform(2, 14)
    c.gradient(c.color(0.55, 0.35, 0.35), c.color(0.55, 0.45, 0.18), ground, h)
    for _ in range(40):  # reflections on the river
        y, x = rng.uniform(ground + 4, h), rng.uniform(0, w)
        c.draw.line((x, y, x + rng.uniform(10, 50), y), fill=c.color(0.5, 0.2, 0.7), width=1)
    return f"{word}的城市天际线，高楼倒映在江面上"


def _street(c: _Canvas) -> str:
    word, night = c.sky()
    rng, w, h = c.rng, c.width, c.height
    ground = round(h * 0.8)
    x = rng.uniform(-20, 0)
    wall = c.color(0.08, 0.08, 0.93)
    roof = c.color(0.6, 0.25, 0.3)
    while x < w:
        hw = rng.uniform(70, 130)
        hh = rng.uniform(0.22, 0.36) * h
        top = ground - hh
        c.draw.rectangle((x, top, x + hw, ground), fill=wall)
        c.draw.polygon([(x - 8, top), (x + hw / 2, top - hh * 0.35), (x + hw + 8, top)], fill=roof)
        door = c.color(0.05, 0.5, 0.45)
        c.draw.rectangle((x + hw * 0.4, ground - hh * 0.45, x + hw * 0.6, ground), fill=door)
        for wx in (x + hw * 0.12, x + hw * 0.7):
            glow = "#ffd27a" if night else "#7d8fa3"
            c.draw.rectangle((wx, top + hh * 0.25, wx + hw * 0.18, top + hh * 0.5), fill=glow)
        if rng.random() < 0.5:  # a red lantern
            lx = x + hw * rng.uniform(0.2, 0.8)
            c.draw.ellipse((lx - 7, top + 4, lx + 7, top + 20), fill=_hex("#d8342c"))
        x += hw + rng.uniform(4, 20)
    c.gradient(c.color(0.1, 0.1, 0.55), c.color(0.1, 0.12, 0.4), ground, h)
    for _ in range(rng.randint(2, 4)):  # street trees
        tx = rng.uniform(0, w)
        c.draw.rectangle((tx - 3, ground - 40, tx + 3, ground + 6), fill=_hex("#5b3a1e"))
        c.draw.ellipse((tx - 26, ground - 86, tx + 26, ground - 34), fill=c.color(0.3, 0.5, 0.5))
    return f"{word}的老街，两旁是白墙的低矮房屋和行道树"


def _field(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    if rng.random() < 0.5:
        # A football pitch seen from the stand: mown stripes and white lines in perspective.
        c.gradient(c.color(0.0, 0.3, 0.35), c.color(0.0, 0.2, 0.55), 0, round(h * 0.25))
        greens = (_hsv(0.3 + rng.uniform(-0.03, 0.03), 0.6, 0.55), _hsv(0.3, 0.6, 0.62))
        top, bottom = round(h * 0.25), h
        stripes = rng.randint(7, 11)
        for i in range(stripes):
            y0 = top + (bottom - top) * (i / stripes) ** 1.3
            y1 = top + (bottom - top) * ((i + 1) / stripes) ** 1.3
            c.draw.rectangle((0, y0, w, y1), fill=greens[i % 2])
        white = (245, 245, 240)
        cx = w * rng.uniform(0.35, 0.65)
        c.draw.line((cx - w * 0.15, top, cx - w * 0.6, bottom), fill=white, width=3)
        c.draw.line((cx + w * 0.15, top, cx + w * 0.6, bottom), fill=white, width=3)
        mid = top + (bottom - top) * 0.45
        c.draw.line((0, mid, w, mid), fill=white, width=3)
        c.draw.ellipse((cx - 90, mid - 28, cx + 90, mid + 28), outline=white, width=3)
        for _ in range(rng.randint(3, 6)):  # players
            px, py = rng.uniform(0, w), rng.uniform(top + 20, bottom - 20)
            size = 6 + 10 * (py - top) / (bottom - top)
            c.draw.ellipse((px - size, py - size * 2, px + size, py), fill=c.color(0, 0.8, 0.85))
        return "俯瞰绿茵场：修剪成条纹的草皮和白色的标线"
    # A running track's bend: terracotta lanes with white lines.
    c.gradient(c.color(0.55, 0.35, 0.85), c.color(0.5, 0.2, 0.97))
    # Terracotta, blue or green all-weather surfaces.
    track = _hsv(rng.choice((0.03, 0.03, 0.58, 0.4)) + rng.uniform(-0.02, 0.02), 0.6, 0.7)
    cx, cy = w * rng.uniform(0.75, 1.05), h * rng.uniform(0.9, 1.2)
    outer, lanes = h * rng.uniform(1.0, 1.25), 8
    c.draw.ellipse((cx - outer * 1.6, cy - outer, cx + outer * 1.6, cy + outer), fill=track)
    for lane in range(lanes + 1):
        r = outer * (1 - 0.06 * lane)
        c.draw.ellipse(
            (cx - r * 1.6, cy - r, cx + r * 1.6, cy + r), outline=(250, 250, 250), width=2
        )
    inner = outer * (1 - 0.06 * lanes)
    field = _hsv(0.3, 0.55, 0.55)
    c.draw.ellipse((cx - inner * 1.6, cy - inner, cx + inner * 1.6, cy + inner), fill=field)
    return "红色塑胶跑道的弯道和白色的分道线"


def _stage(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    c.gradient(c.color(0.0, 0.5, 0.12), c.color(0.0, 0.6, 0.28))
    floor = round(h * 0.78)
    c.gradient(c.color(0.0, 0.3, 0.22), c.color(0.0, 0.3, 0.08), floor, h)
    beams = Image.new("RGB", (w, h), (0, 0, 0))
    bd = ImageDraw.Draw(beams)
    for i in range(rng.randint(3, 6)):
        top_x = w * (i + 0.5) / 6 + rng.uniform(-40, 40)
        foot = rng.uniform(0, w)
        spread = rng.uniform(50, 110)
        color = c.color(rng.uniform(-0.15, 0.15), 0.35, 0.55)
        bd.polygon(
            [(top_x - 6, 0), (top_x + 6, 0), (foot + spread, floor), (foot - spread, floor)],
            fill=color,
        )
        bd.ellipse((foot - spread, floor - 12, foot + spread, floor + 12), fill=color)
    c.image = ImageChops.add(c.image, beams)
    c.draw = ImageDraw.Draw(c.image)
    curtain = c.color(0.0, 0.75, 0.45)
    for side in (0, 1):
        for fold in range(5):
            x0 = fold * 16 if side == 0 else w - (fold + 1) * 16
            shade = _mix(curtain, (0, 0, 0), 0.35 if fold % 2 else 0.0)
            c.draw.rectangle((x0, 0, x0 + 16, h), fill=shade)
    c.draw.rectangle((0, 0, w, 26), fill=_mix(curtain, (0, 0, 0), 0.2))
    return "舞台上交错的聚光灯，两侧是垂下的幕布"


def _chart(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    dark = rng.random() < 0.5
    bg_top = c.color(0.0, 0.45, 0.2) if dark else c.color(0.0, 0.06, 0.98)
    bg_bottom = c.color(0.0, 0.5, 0.12) if dark else c.color(0.0, 0.1, 0.92)
    c.gradient(bg_top, bg_bottom)
    grid = _mix(bg_top, (255, 255, 255) if dark else (0, 0, 0), 0.15)
    for gy in range(40, h, 40):
        c.draw.line((0, gy, w, gy), fill=grid, width=1)
    for gx in range(0, w, 64):
        c.draw.line((gx, 0, gx, h), fill=grid, width=1)
    bars = rng.randint(8, 14)
    step = w / (bars + 1)
    level = rng.uniform(0.25, 0.4)
    points = []
    for i in range(bars):
        level = min(0.85, max(0.12, level + rng.uniform(-0.07, 0.12)))
        x = step * (i + 0.6)
        top = h - level * h * 0.8
        c.draw.rectangle(
            (x, top, x + step * 0.6, h), fill=c.color(0.0, 0.55, 0.75 if dark else 0.7)
        )
        points.append((x + step * 0.3, top - rng.uniform(15, 35)))
    accent = c.color(0.45, 0.7, 0.95)
    c.draw.line(points, fill=accent, width=4)
    for px, py in points:
        c.draw.ellipse((px - 5, py - 5, px + 5, py + 5), fill=accent)
    return "逐步走高的柱状图和一条上升的折线"


def _circuit(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    c.gradient(c.color(0.0, 0.7, 0.18), c.color(0.05, 0.8, 0.08))
    trace = c.color(0.0, 0.55, 0.75)
    cx, cy = w * rng.uniform(0.35, 0.65), h * rng.uniform(0.4, 0.6)
    chip = rng.uniform(60, 90)
    for _ in range(rng.randint(26, 40)):
        side = rng.choice((-1, 1))
        y = rng.uniform(cy - chip * 0.9, cy + chip * 0.9)
        x0 = cx + side * chip
        x1 = x0 + side * rng.uniform(40, 200)
        y1 = y + rng.uniform(-90, 90)
        c.draw.line(
            [(x0, y), (x1, y), (x1, y1), (x1 + side * rng.uniform(20, 120), y1)],
            fill=trace,
            width=2,
        )
        ex = x1 + side * rng.uniform(20, 120)
        c.draw.ellipse((ex - 4, y1 - 4, ex + 4, y1 + 4), outline=trace, width=2)
    pin = c.color(0.1, 0.3, 0.85)
    for i in range(8):
        py = cy - chip + (i + 0.5) * chip / 4
        c.draw.rectangle((cx - chip - 10, py - 2, cx + chip + 10, py + 2), fill=pin)
    c.draw.rectangle((cx - chip, cy - chip, cx + chip, cy + chip), fill=(28, 30, 36))
    c.draw.rectangle(
        (cx - chip * 0.7, cy - chip * 0.7, cx + chip * 0.7, cy + chip * 0.7),
        outline=c.color(0.0, 0.6, 0.9),
        width=2,
    )
    return "电路板上的芯片和四散的走线"


def _road(c: _Canvas) -> str:
    word, night = c.sky()
    rng, w, h = c.rng, c.width, c.height
    horizon = round(h * rng.uniform(0.5, 0.58))
    c.gradient(_hsv(0.25 + rng.uniform(-0.08, 0.1), 0.45, 0.5), _hsv(0.25, 0.5, 0.35), horizon, h)
    heights = _ridge(rng, 33, 0.5)
    step = w / (len(heights) - 1)
    c.draw.polygon(
        [
            *[(i * step, horizon - 20 - abs(v) * 40) for i, v in enumerate(heights)],
            (w, horizon),
            (0, horizon),
        ],
        fill=c.color(0.55, 0.25, 0.45),
    )
    vx = w * rng.uniform(0.4, 0.6)
    c.draw.polygon(
        [(vx - 4, horizon), (vx + 4, horizon), (w * 0.95, h), (w * 0.05, h)], fill=(70, 72, 78)
    )
    y = float(horizon)
    while y < h:  # dashed centre line, longer dashes nearer the viewer
        t = (y - horizon) / (h - horizon)
        dash = 4 + 40 * t
        x_top, x_bottom = vx, vx + (w * 0.5 - vx) * t
        c.draw.line(
            (x_top + (x_bottom - x_top), y, x_bottom, y + dash),
            fill=(240, 210, 90),
            width=max(1, round(1 + 6 * t)),
        )
        y += dash * 2
    body = c.color(0.0, 0.7, 0.8)
    cx, cy = w * rng.uniform(0.3, 0.45), h * 0.86
    c.draw.rounded_rectangle((cx - 70, cy - 36, cx + 70, cy + 8), radius=14, fill=body)
    c.draw.rounded_rectangle((cx - 44, cy - 62, cx + 40, cy - 30), radius=12, fill=body)
    c.draw.rectangle((cx - 36, cy - 56, cx + 32, cy - 36), fill=(180, 205, 225))
    for wx in (cx - 44, cx + 44):
        c.draw.ellipse((wx - 15, cy - 6, wx + 15, cy + 24), fill=(25, 25, 28))
    return f"{word}通向远方的公路，路上行驶着一辆汽车"


def _room(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    wall = c.color(0.0, 0.12, 0.93)
    c.gradient(wall, _mix(wall, (0, 0, 0), 0.08))
    floor = round(h * 0.78)
    c.gradient(_hsv(0.08, 0.35, 0.72), _hsv(0.08, 0.4, 0.55), floor, h)
    wx, wy, ww, wh = w * rng.uniform(0.5, 0.62), h * 0.12, w * 0.28, h * 0.42
    top, bottom, _word = rng.choice(SKIES[:3])
    c.image.paste(
        _vertical_gradient(round(ww), round(wh), _hex(top), _hex(bottom)), (round(wx), round(wy))
    )
    frame = (250, 250, 248)
    c.draw.rectangle((wx, wy, wx + ww, wy + wh), outline=frame, width=6)
    c.draw.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=frame, width=4)
    sofa = c.color(0.5, 0.35, 0.6)
    sx = w * rng.uniform(0.08, 0.22)
    c.draw.rounded_rectangle((sx, floor - 80, sx + 230, floor - 10), radius=18, fill=sofa)
    c.draw.rounded_rectangle(
        (sx - 10, floor - 55, sx + 240, floor + 10), radius=14, fill=_mix(sofa, (0, 0, 0), 0.15)
    )
    for px in (sx + 40, sx + 150):  # cushions
        c.draw.rounded_rectangle(
            (px, floor - 76, px + 44, floor - 40), radius=10, fill=c.color(0.15, 0.5, 0.85)
        )
    lx = sx + 280
    c.draw.line((lx, floor, lx, floor - 170), fill=(60, 60, 60), width=4)
    c.draw.polygon(
        [
            (lx - 30, floor - 170),
            (lx + 30, floor - 170),
            (lx + 20, floor - 205),
            (lx - 20, floor - 205),
        ],
        fill=(255, 226, 160),
    )
    px = w * rng.uniform(0.88, 0.95)
    pot = [(px - 22, floor), (px + 22, floor), (px + 28, floor - 46), (px - 28, floor - 46)]
    c.draw.polygon(pot, fill=_hsv(0.05, 0.55, 0.6))
    for _ in range(9):  # leaves
        lx2, ly = px + rng.uniform(-40, 40), floor - 46 - rng.uniform(10, 90)
        c.draw.ellipse((lx2 - 16, ly - 9, lx2 + 16, ly + 9), fill=_hsv(0.32, 0.55, 0.5))
    return "窗边的沙发、落地灯和一盆绿植"


def _stars_or_books(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    if rng.random() < 0.5:
        c.gradient(c.color(0.0, 0.7, 0.12), c.color(0.05, 0.6, 0.3))
        for _ in range(220):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.choice((0.6, 0.8, 1.2, 1.8))
            c.draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 245))
        px, py, pr = w * rng.uniform(0.25, 0.75), h * rng.uniform(0.35, 0.65), rng.uniform(50, 80)
        c.draw.ellipse(
            (px - pr * 2.1, py - pr * 0.45, px + pr * 2.1, py + pr * 0.45),
            outline=c.color(0.1, 0.35, 0.85),
            width=5,
        )
        c.draw.ellipse((px - pr, py - pr, px + pr, py + pr), fill=c.color(0.08, 0.55, 0.8))
        c.draw.arc(
            (px - pr * 2.1, py - pr * 0.45, px + pr * 2.1, py + pr * 0.45),
            0,
            180,
            fill=c.color(0.1, 0.35, 0.85),
            width=5,
        )
        return "星空中一颗带着光环的行星"
    c.gradient(_hsv(0.08, 0.45, 0.45), _hsv(0.08, 0.5, 0.32))
    for shelf in range(3):
        base = round(h * (0.33 + 0.31 * shelf))
        c.draw.rectangle((0, base, w, base + 10), fill=_hsv(0.07, 0.55, 0.28))
        x = rng.uniform(4, 20)
        while x < w - 10:
            bw, bh = rng.uniform(14, 30), rng.uniform(0.17, 0.27) * h
            color = c.color(rng.uniform(-0.2, 0.2), rng.uniform(0.35, 0.7), rng.uniform(0.45, 0.85))
            if rng.random() < 0.08:  # one leaning book
                c.draw.polygon(
                    [
                        (x, base),
                        (x + bw, base),
                        (x + bw + bh * 0.35, base - bh),
                        (x + bh * 0.35, base - bh),
                    ],
                    fill=color,
                )
                x += bw + bh * 0.35
            else:
                c.draw.rectangle((x, base - bh, x + bw, base), fill=color)
                c.draw.line(
                    (x + 3, base - bh * 0.8, x + bw - 3, base - bh * 0.8),
                    fill=_mix(color, (255, 255, 255), 0.5),
                    width=2,
                )
            x += bw + rng.uniform(0, 3)
    return "书架上一排排颜色各异的书"


def _sky_or_sea(c: _Canvas) -> str:
    rng, w, h = c.rng, c.width, c.height
    if rng.random() < 0.6:
        word, _night = c.sky((SKIES[0], SKIES[1], SKIES[2], SKIES[4]), horizon=1.0)
        for _ in range(rng.randint(1, 3)):
            x, y = rng.uniform(w * 0.25, w * 0.85), rng.uniform(h * 0.2, h * 0.7)
            s = rng.uniform(0.7, 1.3)
            c.draw.line(
                (x - 420 * s, y + 120 * s, x - 30 * s, y + 8 * s),
                fill=(250, 250, 250),
                width=max(2, round(4 * s)),
            )
            dark = c.color(0.0, 0.2, 0.25)
            c.draw.polygon(
                [(x + 40 * s, y), (x - 30 * s, y + 10 * s), (x - 36 * s, y + 2 * s)], fill=dark
            )
            c.draw.polygon(
                [(x, y + 3 * s), (x - 28 * s, y - 30 * s), (x - 16 * s, y + 6 * s)], fill=dark
            )
            wing = [(x - 2 * s, y + 6 * s), (x - 26 * s, y + 34 * s), (x - 14 * s, y + 6 * s)]
            c.draw.polygon(wing, fill=dark)
        return f"{word}的天空中掠过的飞机，身后拖着白色的尾迹"
    word, _night = c.sky()
    horizon = round(h * 0.62)
    c.gradient(c.color(0.55, 0.6, 0.55), c.color(0.55, 0.7, 0.3), horizon, h)
    sx, length = w * rng.uniform(0.3, 0.55), rng.uniform(230, 330)
    hull = (55, 62, 72)
    c.draw.polygon(
        [
            (sx, horizon + 4),
            (sx + length, horizon + 4),
            (sx + length - 30, horizon + 28),
            (sx + 20, horizon + 28),
        ],
        fill=hull,
    )
    c.draw.rectangle((sx + length * 0.35, horizon - 34, sx + length * 0.6, horizon + 4), fill=hull)
    c.draw.rectangle((sx + length * 0.45, horizon - 64, sx + length * 0.5, horizon - 34), fill=hull)
    for _ in range(60):
        y, x = rng.uniform(horizon + 30, h), rng.uniform(0, w)
        c.draw.line((x, y, x + rng.uniform(10, 40), y), fill=c.color(0.55, 0.3, 0.8), width=1)
    return f"{word}海面上的舰船剪影"


def _landscape(c: _Canvas) -> tuple[bytes, str]:
    palette = c.rng.choice(list(PALETTES))
    water = c.rng.random() < 0.5
    fields = not water and c.rng.random() < 0.5
    data = scene_jpeg(
        c.rng,
        palette=palette,
        water=water,
        fields=fields,
        width=c.width,
        height=c.height,
        quality=82,
        smooth=False,
    )
    return data, LANDSCAPE_ALTS[palette] + ("，近处是平静的水面" if water else "")


LANDSCAPE_ALTS = {
    "dawn": "黎明时分层层叠叠的远山",
    "mist": "薄雾笼罩下的山峦",
    "noon": "晴空下连绵的青山",
    "dusk": "晚霞映照下的山脊剪影",
    "night": "月光下的群山",
    "spring": "春日田野与远处起伏的青山",
    "autumn": "秋日金黄的田野与远山",
    "sea": "海湾边的远山",
}

MOTIFS = {
    "toutiao": _skyline,
    "local": _street,
    "sports": _field,
    "ent": _stage,
    "money": _chart,
    "tech": _circuit,
    "auto": _road,
    "home": _room,
    "open": _stars_or_books,
    "mil": _sky_or_sea,
}


def cover_jpeg(
    rng: random.Random, channel: str, *, width: int = COVER_SIZE[0], height: int = COVER_SIZE[1]
) -> tuple[bytes, str]:
    """A cover picture for an article of ``channel`` and its alt text (Chinese)."""
    canvas = _Canvas(rng, width, height, rng.random())
    motif = MOTIFS.get(channel)
    if motif is None:
        data, alt = _landscape(canvas)
    else:
        alt = motif(canvas)
        data = _encode(canvas.image, "JPEG", quality=82)
    return data, f"{alt}（示意插图）"
