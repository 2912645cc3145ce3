"""The emotion curve: how the customer feels at each customer step, as a line across the top of the customer band."""

from __future__ import annotations

from ..model import HIGHEST_SCORE, ID_PATTERN, LOWEST_SCORE, Step
from ..words import score as emotion_score
from .canvas import Box, Canvas, quote, tooltip
from .look import (CURVE_COLOR, CURVE_LABEL, CURVE_PAD, CURVE_UNIT, INK, LANE_W, MARGIN, MUTED, NODE_PAD_X, NODE_PAD_Y,
                   RED)
from .tables import Table

__all__ = ["curve_height", "draw_curve", "lowest_steps"]

POINT = 9          # a point's square
LOWEST = 16        # the lowest points' triangle, larger as well as differently shaped


def felt(steps: list[Step]) -> list[tuple[int, Step]]:
    """(column, step) of every step with an emotion, left to right."""
    return [(index, step) for index, step in enumerate(steps) if step.emotion is not None]


def lowest_steps(steps: list[Step]) -> set[str]:
    """The ids of the steps where the customer feels worst (every one of them on a tie)."""
    scores = [step.emotion.score for _, step in felt(steps)]
    return {step.id for _, step in felt(steps) if step.emotion.score == min(scores)} if scores else set()


def curve_height(steps: list[Step]) -> float:
    """Room the strip takes at the top of the customer band, with room for a 'lowest' label under the lowest
    score; none without emotions."""
    return 2 * CURVE_PAD + (HIGHEST_SCORE - LOWEST_SCORE) * CURVE_UNIT + CURVE_LABEL if felt(steps) else 0


def _score_y(top: float, score: int) -> float:
    return top + CURVE_PAD + (HIGHEST_SCORE - score) * CURVE_UNIT


def draw_curve(canvas: Canvas, steps: list[Step], card_centres: list[float], top: float) -> None:
    """The scale in the lane column, the neutral line, a point per step with an emotion and the line through them.

    The line joins two neighbouring points only when no customer step without an emotion stands between
    them: the story says nothing of how the customer felt there, so the curve has a gap. The lowest
    points are triangles labelled "lowest", so they are found without telling colours apart; the label
    sits right of and below its point, where neither line from the point goes (they rise or stay level).
    """
    points = felt(steps)
    if not points:
        return
    _scale(canvas, top)
    lowest = lowest_steps(steps)
    labels: list[Box] = []
    previous = None
    for index, step in enumerate(steps):
        if step.emotion is None:
            if step.lane == "customer":
                previous = None   # a gap in the curve
            continue
        x, y = card_centres[index], _score_y(top, step.emotion.score)
        low = step.id in lowest
        note = f"\n{step.emotion.note}" if step.emotion.note else ""
        attrs = {
            "class": quote("emotion-point" + (" emotion-lowest" if low else "")),
            "shape": "invtriangle" if low else "square", "style": "filled",
            "fillcolor": quote(RED if low else CURVE_COLOR), "color": quote(INK if low else CURVE_COLOR),
            "label": '""', "tooltip": tooltip(f"Customer feels {emotion_score(step.emotion.score)}"
                                              f"{' (lowest)' if low else ''}: {step.action}{note}"),
        }
        if ID_PATTERN.fullmatch(step.id):
            attrs["href"] = quote(f"#step-{step.id}")
        size = LOWEST if low else POINT
        canvas.boxes.append(Box(f"emo{index}", x, y, size, size * (0.8 if low else 1), attrs))
        if low:
            labels.append(_label(canvas, f"emolow{index}", f"lowest {emotion_score(step.emotion.score)}", x + size / 2 + 2, y + 4,
                                 RED, below=True))
        if previous is not None:
            canvas.edge(f"emo{previous[0]}", f"emo{index}", [previous[1], (x, y)], None, {
                "id": quote(f"{canvas.prefix}-emoline{index}"), "class": quote("emotion-curve"), "dir": "none",
                "color": quote(CURVE_COLOR), "penwidth": "2.2"})
        previous = (index, (x, y))
    _neutral(canvas, top, [box for box in labels if box.top < _score_y(top, 0) < box.bottom])


def _neutral(canvas: Canvas, top: float, crossing: list[Box]) -> None:
    """The dotted neutral line across the strip, broken where a label stands on it."""
    neutral = _score_y(top, 0)
    left, right = MARGIN + LANE_W, canvas.width - MARGIN
    pieces, start = [], left
    for box in sorted(crossing, key=lambda box: box.left):
        pieces.append((start, box.left - 3))
        start = box.right + 3
    pieces.append((start, right))
    for number, (a, b) in enumerate(piece for piece in pieces if piece[1] - piece[0] > 1):
        suffix = "" if number == 0 else str(number)
        canvas.point(f"emoneutral{suffix}a", a, neutral)
        canvas.point(f"emoneutral{suffix}b", b, neutral)
        canvas.edge(f"emoneutral{suffix}a", f"emoneutral{suffix}b", [(a, neutral), (b, neutral)], None, {
            "id": quote(f"{canvas.prefix}-emoneutral{suffix}"), "class": quote("emotion-neutral"), "dir": "none",
            "style": "dotted", "color": quote(MUTED), "penwidth": "1", "tooltip": tooltip("Neutral (0)")})


def _label(canvas: Canvas, name: str, text: str, left: float, y: float, color: str, css: str = "emotion-label",
           below: bool = False) -> Box:
    """A label from `left`, centred on `y`, or with its top at `y` when `below`."""
    table = Table(120)
    table.add_text(text, bold=True, color=color)
    table.shrink()
    w, h = table.width + NODE_PAD_X / 2, table.height + NODE_PAD_Y / 2
    box = Box(name, left + w / 2, y + h / 2 if below else y, w, h, {"class": quote(css), "shape": "plaintext",
                                                                     "label": f"<{table.render()}>"})
    canvas.boxes.append(box)
    return box


def _scale(canvas: Canvas, top: float) -> None:
    """'Feeling' and the scores +2, 0 and -2 at the right of the lane column."""
    _label(canvas, "emocaption", "Feeling", MARGIN + 6, _score_y(top, 0), MUTED, "emotion-scale")
    for score in (HIGHEST_SCORE, 0, LOWEST_SCORE):
        _label(canvas, f"emoscale{score + HIGHEST_SCORE}", emotion_score(score),
               MARGIN + LANE_W - 34, _score_y(top, score), MUTED, "emotion-scale")
