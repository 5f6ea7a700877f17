"""`plot(vectors, out)`: prepare a picture, draw it (matplotlib or the HTML page) and write it atomically."""

from __future__ import annotations

import io
import time
from pathlib import Path
from ..errors import EmbedkitError
from ..outputs import atomic_output, check_output
from .picture import DEFAULT_TOP, Picture, prepare


FORMATS = ("png", "svg", "pdf", "html")




HOVER_NEIGHBOURS = 5  # nearest words, in the original space, shown when hovering a point


def output_format(path) -> str:
    """'png', 'svg', 'pdf' or 'html' from the file name; raises `EmbedkitError` for others."""
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = "html" if suffix == "htm" else suffix
    if suffix not in FORMATS:
        raise EmbedkitError(f"{path}: cannot tell the picture format from the extension; "
                            f"use .png, .svg, .pdf or .html")
    return suffix


def plot(vectors, out, *, labels: int | None = None, size: tuple[int, int] = (1600, 1200),
         dpi: int = 160, top: int | None = None, **options) -> Picture:
    """Project `vectors` and write the picture to `out` (.png, .svg, .pdf or .html).

    Args:
        vectors: a `Vectors`, a vectors file, or the name "glove-6b-50d".
        out: output path; its extension picks the format. Written atomically.
        labels: label at most this many words, most frequent first (query words always); labels
            that would overlap are left out. Default: every word for pictures, 40 for pages.
        size: (width, height) of the picture in pixels (PNG), or at `dpi` (SVG, PDF).
        dpi: dots per inch: sets how large text is relative to the picture.
        top: how many of the most frequent words to plot when no other selection is given
            (default 1000 for pictures, 3000 for pages).
        Pages are coloured by `clusters="auto"` (10 named k-means clusters) unless `clusters`,
        `neighbors_of` or `analogy` says otherwise; `clusters=0` leaves them grey.
        **options: passed to `prepare` (method, words, words_file, neighbors_of, topn, clusters,
            analogy, seed, metric, name, timed, status).

    Returns:
        The `Picture` drawn, with `timings` for each step.
    """
    from ..io.pretrained import resolve

    fmt = output_format(out)
    check_output(out)  # before the vectors load: a bad output costs nothing
    vectors = resolve(vectors)  # a Vectors, a file or the name of pretrained vectors
    if top is None and not any(options.get(k) for k in ("words", "words_file", "neighbors_of", "analogy")):
        top = DEFAULT_TOP[fmt]
    if fmt == "html" and options.get("clusters") is None:
        options["clusters"] = "auto"  # a page is coloured by named clusters unless told otherwise
    p = prepare(vectors, top=top, neighbours=HOVER_NEIGHBOURS if fmt == "html" else 0, **options)
    start = time.perf_counter()
    if fmt == "html":
        from .page import page

        text = page(p, labels=40 if labels is None else labels)
        p.timings["draw"] = time.perf_counter() - start
        with atomic_output(out) as tmp:
            tmp.write_text(text, encoding="utf-8")
    else:
        from .figure import figure

        fig = figure(p, labels=labels, size=size, dpi=dpi)
        p.labelled = fig.embedkit_labels
        p.timings["draw"] = time.perf_counter() - start
        start = time.perf_counter()
        from matplotlib import rc_context

        # SVG keeps words as text (searchable, editable); PDF embeds TrueType, as journals ask.
        # Drawn into memory, then written: an error while writing the file is then a plain
        # OSError (matplotlib's PDF writer turns one into an AttributeError as it cleans up).
        picture = io.BytesIO()
        with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
            fig.savefig(picture, format=fmt, dpi=dpi, metadata=_metadata(fmt, p))
        with atomic_output(out) as tmp:
            tmp.write_bytes(picture.getbuffer())
    p.timings["write"] = time.perf_counter() - start
    return p


def _metadata(fmt: str, p: Picture) -> dict:
    if fmt == "png":
        return {"Title": p.title, "Description": p.subtitle, "Software": "embedkit"}
    return {"Title": p.title, "Creator": "embedkit"}
