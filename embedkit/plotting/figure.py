"""Draw a `Picture` with matplotlib: points, colours, arrows, a legend and labels that never overlap.

Uses matplotlib's object API (`Figure` + the Agg canvas), never pyplot: no global state, no GUI
backend, safe in threads and servers. Labels go through a greedy placement: query words first,
then the most frequent words, each trying eight spots around its point and keeping the first
whose text box is inside the axes and clear of every label already placed and of the points
those labels name. A word whose point an earlier label covers stays unlabelled.
"""

from __future__ import annotations

import numpy as np

from ..errors import EmbedkitError

GREY = "#b4b4b4"
MAX_PIXELS = 50_000_000  # 200 MB of RGBA while drawing; 7000x7000 is fine, 100000x100000 would not be


def check_size(width: int, height: int) -> None:
    """Refuse a picture size that cannot hold a plot (under 200x150) or would not fit in memory.

    Raises:
        EmbedkitError: says the allowed sizes.

    Example:
        >>> check_size(1600, 1200)  # fine: returns None
    """
    if width < 200 or height < 150:
        raise EmbedkitError(f"a picture of {width}x{height} pixels is too small; use at least 200x150")
    if width * height > MAX_PIXELS:
        raise EmbedkitError(f"a picture of {width}x{height} pixels is too large; use at most "
                            f"{MAX_PIXELS // 1_000_000} million pixels (7000x7000)")
TITLE_PT, SUBTITLE_PT, LEGEND_PT = 13, 9, 8

# label spots around a point: offset in points, then alignment; tried in this order
_SPOTS = ((4, 0, "left", "center"), (-4, 0, "right", "center"),
          (3, 2, "left", "bottom"), (-3, 2, "right", "bottom"),
          (3, -2, "left", "top"), (-3, -2, "right", "top"),
          (0, 4, "center", "bottom"), (0, -4, "center", "top"))


def palette(k: int) -> list[str]:
    """k distinguishable colours: tab10's ten, then their light twins from tab20, then again."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    tab20 = colormaps["tab20"]
    order = list(range(0, 20, 2)) + list(range(1, 20, 2))  # dark ones first, light ones after
    return [to_hex(tab20(order[i % 20])) for i in range(k)]


def figure(p, *, labels: int | None = None, size: tuple[int, int] = (1600, 1200), dpi: int = 160):
    """A matplotlib `Figure` of the `Picture` `p`, `size` pixels at `dpi`.

    Args:
        labels: label up to this many words: the query and analogy words (always), then the most
            frequent (default: every word). A word is left unlabelled when no free spot is left
            next to it, so dense regions get fewer labels and none overlap.
        size: (width, height) in pixels.
        dpi: pixels per inch; text sizes are in points, so a higher dpi makes text larger.

    Returns:
        matplotlib.figure.Figure; `fig.embedkit_labels` counts the labels placed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D

    width, height = size
    check_size(width, height)
    fig = Figure(figsize=(width / dpi, height / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    margin = 0.02

    # title and subtitle, wrapped to the width; the axes take the space left below them
    y = 1 - margin
    for text, font, colour in ((p.title, FontProperties(size=TITLE_PT, weight="bold"), "#000"),
                               (p.subtitle, FontProperties(size=SUBTITLE_PT), "#444")):
        wrapped = _wrap(text, font, width * (1 - 2 * margin), renderer)
        t = fig.text(margin, y, wrapped, fontproperties=font, color=colour, va="top")
        y = t.get_window_extent(renderer).y0 / height - 0.006
    top = y - 0.01

    n = len(p)
    colours = palette(len(p.group_names))
    names = [_shorten(name) for name in p.group_names]
    if len(names) and (p.group < 0).any():
        names.append("other")
    legend = 0 < len(names) <= 21
    right = 1 - margin
    if legend:
        font = FontProperties(size=LEGEND_PT)
        widest = max(renderer.get_text_width_height_descent(s, font, ismath=False)[0] for s in names)
        right = max(0.6, 1 - margin - (widest + 30 * dpi / 72) / width)
    bottom = margin
    if p.axes:  # room for the axis titles: PCA says how much of the variance each axis shows
        axis_font = FontProperties(size=SUBTITLE_PT)
        line = renderer.get_text_width_height_descent("Ag", axis_font, ismath=False)[1] / height
        bottom, left = margin + 1.8 * line, margin + 1.8 * line * height / width
    else:
        left = margin
    ax = fig.add_axes((left, bottom, right - left, top - bottom))
    ax.set_xticks([])
    ax.set_yticks([])
    if p.axes:
        ax.set_xlabel(p.axes[0], fontsize=SUBTITLE_PT, color="#444", labelpad=3)
        ax.set_ylabel(p.axes[1], fontsize=SUBTITLE_PT, color="#444", labelpad=3)
    for spine in ax.spines.values():
        spine.set_color("#ccc")

    point_colour = np.array([colours[g] if g >= 0 else GREY for g in p.group])
    anchor = np.isin(p.words, p.anchors)
    small = 16 if n <= 100 else 7 if n <= 2000 else 3  # marker area, points^2
    ax.scatter(p.coords[~anchor, 0], p.coords[~anchor, 1], s=small, c=point_colour[~anchor],
               alpha=0.85, linewidths=0, zorder=2)
    ax.scatter(p.coords[anchor, 0], p.coords[anchor, 1], s=70, c=point_colour[anchor],
               edgecolors="black", linewidths=1.0, zorder=4)
    index = {w: i for i, w in enumerate(p.words)}
    for a, b in p.arrows:
        ax.annotate("", xy=p.coords[index[b]], xytext=p.coords[index[a]], zorder=3,
                    arrowprops=dict(arrowstyle="-|>", color="#333", lw=1.4, shrinkA=6, shrinkB=6,
                                    mutation_scale=14))
    radius = np.where(anchor, np.sqrt(70) / 2 + 1, np.sqrt(small) / 2)  # marker radius, points
    fontsize = 10 if n <= 60 else 8 if n <= 400 else 7
    room = 0.0  # pixels kept free beside the outermost points, for their labels
    if n <= 100:
        font = FontProperties(size=fontsize + 1, weight="bold")
        room = max(renderer.get_text_width_height_descent(w, font, ismath=False)[0] for w in p.words)
        room += 12 * dpi / 72
    _limits(ax, p.coords, room, renderer, equal=p.equal_aspect)
    fig.embedkit_labels = _place_labels(fig, ax, p, n if labels is None else labels, fontsize,
                                        anchor, radius)
    if legend:
        handles = [Line2D([], [], marker="o", linestyle="", color=c, markersize=7, label=name)
                   for c, name in zip(colours + [GREY], names)]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
                  fontsize=LEGEND_PT, handletextpad=0.3, borderaxespad=0.0)
    return fig


def _wrap(text: str, font, max_px: float, renderer) -> str:
    """`text` with line breaks so that no line is wider than `max_px` pixels."""
    lines, line = [], ""
    for word in text.split(" "):
        trial = f"{line} {word}" if line else word
        if line and renderer.get_text_width_height_descent(trial, font, ismath=False)[0] > max_px:
            lines.append(line)
            line = word
        else:
            line = trial
    return "\n".join(lines + [line])


def _shorten(name: str, limit: int = 36) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip(", ") + "\u2026"


def _limits(ax, coords: np.ndarray, room: float, renderer, equal: bool = False) -> None:
    """Axis limits around the points: 4% of the span, or at least `room` pixels on the left and right.

    With `equal`, one unit is as many pixels across as up (the narrower axis is widened, centred),
    so that arrows keep their true angles and lengths.
    """
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = np.maximum(hi - lo, 1e-3)
    pad = span * 0.04
    box = ax.get_window_extent(renderer)
    if room and box.width > 3 * room:  # span + 2 pad fills box.width pixels, of which pad is `room`
        pad[0] = max(pad[0], span[0] * room / (box.width - 2 * room))
        pad[1] = max(pad[1], span[1] * 0.08)
    x0, x1, y0, y1 = lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1]
    if equal:
        per_pixel = max((x1 - x0) / box.width, (y1 - y0) / box.height)  # data units per pixel
        grow_x, grow_y = per_pixel * box.width - (x1 - x0), per_pixel * box.height - (y1 - y0)
        x0, x1, y0, y1 = x0 - grow_x / 2, x1 + grow_x / 2, y0 - grow_y / 2, y1 + grow_y / 2
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _place_labels(fig, ax, p, limit: int, fontsize: float, anchor: np.ndarray,
                  radius: np.ndarray) -> int:
    """Greedy non-overlapping labels (see the module docstring); returns how many were placed.

    Query and analogy words are always labelled: when none of their spots is free, the first
    spot inside the axes is taken anyway.
    """
    from matplotlib.font_manager import FontProperties

    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    scale = fig.dpi / 72  # points to pixels
    points = ax.transData.transform(p.coords)  # (n, 2) pixels
    r = (radius * scale)[:, None]
    markers = np.hstack([points - r, points + r])  # (n, 4) marker boxes: x0, y0, x1, y1
    placed = np.empty((0, 4))  # label boxes
    # a label may cover unlabelled points, but never the marker of a labelled or query word
    keep_clear = markers[anchor]
    order = p.label_order[:max(limit, int(anchor.sum()))]
    count = 0
    for i in order:
        bold = bool(anchor[i])
        font = FontProperties(size=fontsize + (1 if bold else 0), weight="bold" if bold else "normal")
        w, h, _ = renderer.get_text_width_height_descent(p.words[i], font, ismath=False)
        # matplotlib sizes every line as if it held ascenders and descenders ("lp")
        h = max(h, renderer.get_text_width_height_descent("lp", font, ismath=False)[1])
        if not bold and _hits(markers[i], placed):
            continue  # its point lies under an earlier label
        first_inside = None
        for dx, dy, ha, va in _SPOTS:
            shift = radius[i] + 1  # clear of the point's own marker
            ox, oy = dx + np.sign(dx) * shift, dy + np.sign(dy) * shift
            x0 = points[i, 0] + ox * scale - {"left": 0, "right": w, "center": w / 2}[ha]
            y0 = points[i, 1] + oy * scale - {"bottom": 0, "top": h, "center": h / 2}[va]
            box = np.array([x0 - 1, y0 - 1, x0 + w + 1, y0 + h + 1])
            if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                continue
            first_inside = first_inside or (ox, oy, ha, va, box)
            if _hits(box, placed) or _hits(box, keep_clear[~_same(keep_clear, markers[i])]):
                continue
            break
        else:
            if not (bold and first_inside):
                continue
            ox, oy, ha, va, box = first_inside
        ax.annotate(p.words[i], p.coords[i], xytext=(ox, oy), textcoords="offset points",
                    ha=ha, va=va, fontproperties=font, color="#111", zorder=5)
        placed = np.vstack([placed, box])
        if not bold:
            keep_clear = np.vstack([keep_clear, markers[i]])
        count += 1
    return count


def _same(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    return (boxes == box).all(axis=1)


def _hits(box: np.ndarray, boxes: np.ndarray) -> bool:
    return bool(len(boxes)) and bool(np.any((box[0] < boxes[:, 2]) & (box[2] > boxes[:, 0])
                                            & (box[1] < boxes[:, 3]) & (box[3] > boxes[:, 1])))
