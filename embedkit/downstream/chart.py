"""The chart of a compare report (matplotlib): test accuracy with the standard deviation as error
bars (none on a single run). The accuracy axis starts at chance (the majority class's share of the test texts) for one
data set, at 0 for several, and the title names the settings."""

from __future__ import annotations

import os

CHANCE_STYLE = dict(color="grey", linestyle="--", linewidth=1)


def _variant(row: dict) -> str:
    if not row.get("cell"):
        return row["model"]
    return f"{'Bi' if row['bidirectional'] else ''}{row['cell'].upper()}"


def _group(row: dict) -> str:
    if not row.get("cell"):
        return "baselines"
    return " ".join(p for p in (os.path.basename(row["embeddings"]), row.get("tuning")) if p)


def draw(report, path) -> dict:
    """Write `report`'s chart to `path` (PNG).

    Returns:
        {"ylim": (low, high), "title": the title, "error_bars": how many bars have one}, as drawn.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .report import display

    names = report.names()
    single = len(names) == 1
    if single:  # groups: embedding (and tuning); bars: cell and direction
        rows = report.rows_of(names[0])
        groups = list(dict.fromkeys(_group(r) for r in rows))
        bar_of, group_of = _variant, _group
    else:       # groups: data sets; bars: models
        rows = report.rows
        groups = names
        bar_of, group_of = (lambda r: r["model"]), (lambda r: r.get("dataset") or names[0])
    variants = list(dict.fromkeys(bar_of(r) for r in rows))
    width = 0.8 / max(1, len(variants))
    fig, ax = plt.subplots(figsize=(min(18.0, max(6.0, 0.35 * len(groups) * max(3, len(variants)) + 1)) + 3.5, 5))
    colours = plt.get_cmap("tab20" if len(variants) > 10 else "tab10")
    error_bars = 0
    for j, variant in enumerate(variants):
        xs, ys, tops, spread = [], [], [], []
        for i, g in enumerate(groups):
            present = [v for v in variants if any(bar_of(r) == v and group_of(r) == g for r in rows)]
            for r in rows:
                if bar_of(r) == variant and group_of(r) == g:
                    xs.append(i + (present.index(variant) - (len(present) - 1) / 2) * width)
                    ys.append(100 * r["accuracy_mean"])
                    e = 100 * r["accuracy_std"] if (r.get("runs") or 2) > 1 else None
                    if e is not None:
                        spread.append((xs[-1], ys[-1], e))
                    tops.append(ys[-1] + (e or 0.0))
        ax.bar(xs, ys, width * 0.95, label=variant, color=colours(j % colours.N))
        if spread:  # a single run has no spread: its bar gets no error bar
            x, y, e = zip(*spread)
            ax.errorbar(x, y, yerr=e, fmt="none", ecolor="black", elinewidth=1, capsize=2)
            error_bars += len(spread)
        if len(variants) * len(groups) <= 40:  # the value above the bar, clear of its error bar
            for x, y, top in zip(xs, ys, tops):
                ax.annotate(f"{y:.1f}", (x, top), xytext=(0, 2), textcoords="offset points", ha="center",
                            va="bottom", fontsize=6)
    chance = {d["name"]: d.get("chance") for d in report.datasets}
    for i, g in enumerate(groups):
        level = chance.get(names[0] if single else g)
        if level is not None:
            ax.hlines(100 * level, i - 0.45, i + 0.45, **CHANCE_STYLE)
    low = 100 * chance[names[0]] if single and chance.get(names[0]) is not None else 0.0
    ax.set_ylim(low, 104)
    ax.set_xticks(range(len(groups)), groups if single else [display(g) for g in groups], rotation=15, ha="right")
    ax.set_ylabel("test accuracy % (mean ± std)" + ("; axis from chance" if low else "") +
                  ("; dashes: chance" if any(v is not None for v in chance.values()) else ""))
    ax.set_title(report.title(), fontsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
    drawn = {"ylim": ax.get_ylim(), "title": ax.get_title(), "error_bars": error_bars}
    plt.close(fig)
    return drawn
