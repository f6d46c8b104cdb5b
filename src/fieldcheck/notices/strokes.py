"""A signature's PNG drawn from its vector strokes (Pillow, no Qt).

The strokes are what replicates (DESIGN §6: derived data is rebuilt on each side); every
replica draws the same image from them: 3× scale, cropped to the ink with a small margin,
transparent background, the signing pad's ink colour.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageDraw

INK = (20, 23, 28, 255)
SCALE = 3.0
MARGIN = 6.0
WIDTH = 2.6


def strokes_png(strokes: Sequence[Sequence[Sequence[float]]]) -> bytes | None:
    points = [(float(p[0]), float(p[1])) for stroke in strokes for p in stroke]
    if not points:
        return None
    left = min(x for x, _ in points) - MARGIN
    top = min(y for _, y in points) - MARGIN
    right = max(x for x, _ in points) + MARGIN
    bottom = max(y for _, y in points) + MARGIN
    size = (max(1, round((right - left) * SCALE)), max(1, round((bottom - top) * SCALE)))
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    width = max(1, round(WIDTH * SCALE))
    for stroke in strokes:
        line = [((float(x) - left) * SCALE, (float(y) - top) * SCALE) for x, y, *_ in stroke]
        if len(line) == 1:
            (x, y) = line[0]
            r = width / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=INK)
        elif line:
            draw.line(line, fill=INK, width=width, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
