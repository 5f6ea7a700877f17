"""Text output for people: aligned tables and numbers, shared by the CLI and the query prompt.

Library modules never print; the CLI hands their results to `format_table`.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Iterable, Sequence


def format_cell(value, decimals: int = 4) -> str:
    """A cell as text: floats to `decimals` places, ints as they are, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Integral):
        return str(int(value))
    if isinstance(value, Real):
        return f"{float(value):.{decimals}f}"
    return str(value)


def format_table(rows: Iterable[Sequence], headers: Sequence[str] | None = None, *,
                 decimals: int = 4, align: str | None = None, indent: str = "") -> str:
    """Rows as an aligned plain-text table, two spaces between columns, no trailing spaces.

    Args:
        rows: sequences of cells; every row has the same number of cells as `headers`.
        headers: column titles, or None for a table without a header line.
        decimals: places shown for float cells.
        align: one letter per column, "l" or "r"; by default a column is right-aligned when all
            its cells are numbers, left-aligned otherwise.
        indent: put in front of every line.

    Returns:
        The table as lines joined by "\\n", without a final newline ("" for no rows, no headers).

    Example:
        >>> print(format_table([("queen", 0.7839), ("prince", 0.8236)], ["word", "cosine"]))
        word    cosine
        queen   0.7839
        prince  0.8236
    """
    rows = [list(row) for row in rows]
    width = len(headers) if headers is not None else max((len(r) for r in rows), default=0)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"row {row!r} has {len(row)} cells, expected {width}")
    if align is None:
        align = "".join(
            "r" if rows and all(isinstance(r[j], Real) and not isinstance(r[j], bool) for r in rows)
            else "l" for j in range(width))
    elif len(align) != width:
        raise ValueError(f"align {align!r} names {len(align)} columns, expected {width}")
    text = [[format_cell(cell, decimals) for cell in row] for row in rows]
    if headers is not None:
        text.insert(0, [str(h) for h in headers])
    sizes = [max(len(line[j]) for line in text) for j in range(width)]
    lines = []
    for line in text:
        cells = [cell.rjust(size) if side == "r" else cell.ljust(size)
                 for cell, size, side in zip(line, sizes, align)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return "\n".join(lines)


def html_table(rows: Iterable[Sequence], headers: Sequence[str], *, caption: str | None = None,
               notes: Sequence[str] = (), decimals: int = 4, align: str | None = None) -> str:
    """Rows as an HTML table, for notebooks (`_repr_html_`): every cell escaped, numbers aligned right.

    Args:
        rows: sequences of cells, as for `format_table`.
        headers: column titles; none: only the caption and the notes.
        caption: a line above the table.
        notes: paragraphs below it (legends, what was left out).
        decimals: places shown for float cells.
        align: one letter per column, "l" or "r"; by default right for columns of numbers.

    Returns:
        One ``<div>`` holding the caption, the table and the notes.

    Example:
        >>> html_table([("queen", 0.7839)], ["word", "cosine"]).count("<tr>")
        2
    """
    import html

    rows = [list(row) for row in rows]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} has {len(row)} cells, expected {len(headers)}")
    if align is None:
        align = "".join(
            "r" if rows and all(isinstance(r[j], Real) and not isinstance(r[j], bool) for r in rows)
            else "l" for j in range(len(headers)))
    side = {"l": "left", "r": "right"}
    head = "".join(f'<th style="text-align:{side[a]}">{html.escape(str(h))}</th>' for h, a in zip(headers, align))
    body = "".join("<tr>" + "".join(f'<td style="text-align:{side[a]}">{html.escape(format_cell(c, decimals))}</td>'
                                    for c, a in zip(row, align)) + "</tr>" for row in rows)
    parts = ["<div>"]
    if caption:
        parts.append(f"<p><b>{html.escape(caption)}</b></p>")
    if headers:
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts += [f'<p style="font-size:smaller">{html.escape(note)}</p>' for note in notes if note]
    parts.append("</div>")
    return "".join(parts)
