"""Signatures drawn on a tablet or phone: the canvas sends stroke points, the server draws the SVG.

Nothing the browser sends is stored as markup: the points are validated (numbers inside the
pad, a bounded count) and the SVG path is built here, so a signature can be printed in the
PDF and shown on a page without escaping concerns.
"""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PAD_WIDTH = 400
PAD_HEIGHT = 150
MAX_POINTS = 4000
MAX_STROKES = 200


def parse_strokes(raw) -> list[list[list[float]]]:
    """``raw``: JSON ``[[[x, y], …], …]`` in pad coordinates (0–400 × 0–150). A clear error otherwise."""
    try:
        strokes = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
    except (TypeError, ValueError):
        raise ValidationError(_("Az aláírás nem olvasható; kérjük, írja alá újra.")) from None
    if not isinstance(strokes, list) or not strokes:
        raise ValidationError(_("Nincs aláírás: kérjük, írja alá az aláírómezőben."))
    if len(strokes) > MAX_STROKES:
        raise ValidationError(_("Az aláírás túl sok vonásból áll."))
    cleaned, total = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise ValidationError(_("Az aláírás nem olvasható; kérjük, írja alá újra."))
        points = []
        for point in stroke:
            if (not isinstance(point, list) or len(point) != 2
                    or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)):
                raise ValidationError(_("Az aláírás nem olvasható; kérjük, írja alá újra."))
            x, y = float(point[0]), float(point[1])
            if not (0 <= x <= PAD_WIDTH and 0 <= y <= PAD_HEIGHT):
                raise ValidationError(_("Az aláírás kilóg az aláírómezőből."))
            points.append([round(x, 1), round(y, 1)])
        total += len(points)
        if points:
            cleaned.append(points)
    if total > MAX_POINTS:
        raise ValidationError(_("Az aláírás túl sok pontból áll."))
    if not any(len(s) >= 2 for s in cleaned):
        raise ValidationError(_("Nincs aláírás: kérjük, írja alá az aláírómezőben."))
    return cleaned


def strokes_to_svg(strokes) -> str:
    """A standalone SVG of the strokes (viewBox = the pad), black ink, no fill."""
    paths = []
    for stroke in strokes:
        if len(stroke) == 1:
            stroke = [stroke[0], [stroke[0][0] + 0.5, stroke[0][1]]]
        d = "M" + " L".join(f"{x:g} {y:g}" for x, y in stroke)
        paths.append(f'<path d="{d}"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PAD_WIDTH} {PAD_HEIGHT}" '
        f'class="signature-svg" preserveAspectRatio="xMidYMid meet">'
        f'<g fill="none" stroke="#111111" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">'
        + "".join(paths) + "</g></svg>"
    )
