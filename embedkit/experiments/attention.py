"""Attention: which words an attention-pooled classifier looks at, for one sentence and a test set.

`render_terminal` and `render_html` show a sentence with each word's background shaded by its
attention weight (the HTML page is self-contained and escapes every word). `run` trains an
attention-pooled LSTM on a data set, then ranks words by how much attention they receive across
the test set, relative to a uniform share (weight x sentence length: 1 = an average word), and
checks the top words against the most label-indicative words of the training split (log-odds).
"""

from __future__ import annotations

import html

import numpy as np

from .report import Report, Table, aggregate, clearly, percent, pm, seeds_note
from .wordkinds import PLURAL


def _shade(weight: float, top: float, n: int) -> tuple[int, int, int]:
    """White at or below an even share (1/n of the attention) to a strong orange at the sentence's
    largest weight, so that a model attending evenly shows no highlighted word."""
    even = 1.0 / max(1, n)
    t = 0.0 if top <= even * 1.05 else min(1.0, max(0.0, (weight - even) / (top - even)))
    return (255, int(255 - 120 * t), int(255 - 230 * t))


def render_terminal(pairs: list[tuple[str, float]], color: bool = True) -> str:
    """The words with 24-bit background colours by weight (or `word[0.31]` without colour)."""
    top = max((w for _, w in pairs), default=0.0)
    if not color:
        return " ".join(f"{token}[{weight:.2f}]" for token, weight in pairs)
    out = []
    for token, weight in pairs:
        r, g, b = _shade(weight, top, len(pairs))
        out.append(f"\x1b[48;2;{r};{g};{b}m\x1b[38;2;0;0;0m {token} \x1b[0m")
    return "".join(out)


def sentence_html(pairs: list[tuple[str, float]]) -> str:
    """One sentence as HTML spans, each word escaped, its background shaded by its weight."""
    top = max((w for _, w in pairs), default=0.0)
    spans = []
    for token, weight in pairs:
        r, g, b = _shade(weight, top, len(pairs))
        spans.append(f'<span style="background:rgb({r},{g},{b})" title="{weight:.3f}">{html.escape(token)}</span>')
    return " ".join(spans)


def render_html(examples: list[dict], title: str) -> str:
    """A self-contained page: each example {"pairs", "predicted", "label" (optional), "probability"}."""
    rows = []
    for e in examples:
        gold = f' (true: {html.escape(str(e["label"]))})' if e.get("label") is not None else ""
        probability = f' {e["probability"]:.2f}' if e.get("probability") is not None else ""
        unknown = (f'<br><small>{html.escape(unknown_words_line(e["unknown"]))}</small>'
                   if e.get("unknown") else "")
        rows.append(f'<p class="s">{sentence_html(e["pairs"])}<br><small>predicted: '
                    f'{html.escape(str(e["predicted"]))}{probability}{gold}</small>{unknown}</p>')
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.escape(title) + "</title>"
            "<style>body{font:16px/1.6 sans-serif;max-width:60em;margin:2em auto}"
            ".s span{padding:0 .15em;border-radius:3px}small{color:#666}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p>Background: attention weight, white at or below an even share (1/words), darkest at the sentence's largest weight; hover a word for its weight.</p>\n"
            + "\n".join(rows) + "\n</body></html>\n")


def unknown_words_line(unknown: list[str]) -> str:
    """The line that names the words a model has no embedding for.

    Example:
        >>> unknown_words_line(["zorp", "<"])
        "not in the model's vocabulary (each read as <unk>): 'zorp', '<'"
    """
    return "not in the model's vocabulary (each read as <unk>): " + ", ".join(repr(w) for w in unknown)


def explain(trained, text: str) -> dict:
    """Prediction and attention of `trained` (pooling="attention") on `text`.

    Returns:
        {"pairs": [(token, weight)], "predicted", "probability", "classes", "probabilities",
        "unknown": the tokens the model has no embedding for (each read as <unk>), in order, once}.
    """
    probabilities = trained.predict_proba([text])[0]
    best = int(np.argmax(probabilities))
    pairs = trained.attention(text)
    unknown = list(dict.fromkeys(token for token, _ in pairs if token not in trained.index))
    return {"pairs": pairs, "predicted": trained.classes[best],
            "probability": float(probabilities[best]), "classes": list(trained.classes),
            "probabilities": [float(p) for p in probabilities], "unknown": unknown}


def attended_words(trained, texts: list[str], min_count: int = 3, pairs_list=None) -> list[dict]:
    """Words by mean relative attention (weight x sentence length) over `texts`, seen >= `min_count`
    times (`pairs_list`: the (token, weight) lists of `texts`, when already computed)."""
    total: dict[str, float] = {}
    count: dict[str, int] = {}
    top1: dict[str, int] = {}
    for pairs in pairs_list if pairs_list is not None else (trained.attention(t) for t in texts):
        if not pairs:
            continue
        n = len(pairs)
        best = max(pairs, key=lambda p: p[1])[0]
        top1[best] = top1.get(best, 0) + 1
        for token, weight in pairs:
            total[token] = total.get(token, 0.0) + weight * n
            count[token] = count.get(token, 0) + 1
    words = [{"word": w, "relative attention": total[w] / count[w], "count": count[w],
              "most attended in": top1.get(w, 0)} for w in total if count[w] >= min_count]
    return sorted(words, key=lambda r: -r["relative attention"])


def conclusion(top: list[dict], indicative: set[str], pool: int, candidates: int, accuracy,
               name: str, kinds: list[dict] | None = None, hits: dict | None = None, peak: dict | None = None) -> str:
    """How many of the most attended words are label-indicative, against chance, and, given the
    attention by kind of word (`wordkinds`, aggregated over seeds), which kinds got more than an
    even share by more than the spread; all from the numbers.

    `accuracy`: a number, or an aggregated row {"accuracy", "accuracy ±"}; `hits`: an aggregated
    row {"hits", "hits ±"} (the count per seed), else the count in `top`; `peak`: an aggregated row
    {"peak", "peak ±"}, the mean over sentences of the largest weight x sentence length."""
    found = [r["word"] for r in top if r["word"] in indicative]
    expected = len(top) * min(1.0, pool / max(1, candidates))
    examples = ", ".join(f"'{w}'" for w in found[:6]) or "none"
    count = pm(hits, "hits", lambda x: f"{x:.1f}") if hits else str(len(found))
    score = pm(accuracy, "accuracy") if isinstance(accuracy, dict) else percent(accuracy)
    text = (f"Of the {len(top)} words the attention-pooled model attends to most on {name}'s test set, "
            f"{count} are among the {pool} most label-indicative training words (about {expected:.1f} "
            f"expected by chance): {examples}; test accuracy {score}")
    seen = [k for k in (kinds or []) if k.get("tokens", 0) > 0]
    if seen:
        even = {"relative attention": 1.0}
        order = sorted(seen, key=lambda k: -k["relative attention"])
        above = [k["kind"] for k in order if clearly(k, even, "relative attention") > 0]
        shown = ", ".join(f"{PLURAL[k['kind']]} {pm(k, 'relative attention', lambda x: f'{x:.2f}')}" for k in order)
        text += (f". By word list, attention relative to an even share: {shown}; more than an even share by more "
                 f"than the spread: {', '.join(PLURAL[k] for k in above) or 'none'}")
        brands = next((k for k in seen if k["kind"] == "brand or product name"), None)
        sentiment = next((k for k in seen if k["kind"] == "sentiment word"), None)
        if brands and sentiment:
            side = clearly(brands, sentiment, "relative attention")
            text += ("; brand and product names got more attention than sentiment words" if side > 0 else
                     "; brand and product names got less attention than sentiment words" if side < 0 else
                     "; brand and product names and sentiment words got the same attention within the spread")
    if peak:
        text += (f"; the largest weight in a sentence was on average {pm(peak, 'peak', lambda x: f'{x:.2f}')} times "
                 "an even share (1 = uniform attention)")
    return text + "."


def run(dataset: str = "synthetic", *, mirror=None, cell: str = "lstm", dim: int = 50, hidden: int = 64,
        epochs: int = 5, top: int = 20, pool: int = 200, examples: int = 12, seeds=(1, 2, 3),
        quick: bool = False) -> Report:
    """Train an attention-pooled classifier on `dataset` once per seed; rank the words it attends to
    and the kinds of words (`wordkinds`), mean ± std over the seeds."""
    from ..downstream.config import ClassifierConfig
    from ..downstream.training import train_classifier
    from . import wordkinds
    from .data import load, log_odds

    if quick:
        epochs, hidden, dim = 2, 16, 16
    data = load(dataset, mirror=mirror, seed=1, quick=quick)  # one split for every seed
    synthetic = dataset == "synthetic"
    scores = log_odds(data.train, lowercase=True)
    indicative = set(sorted(scores, key=lambda w: -scores[w])[:pool])
    word_runs, kind_runs, accuracies, hit_counts, peaks, first = [], [], [], [], [], None
    for seed in seeds:
        config = ClassifierConfig(embeddings="random", dim=dim, cell=cell, hidden=hidden, bidirectional=True,
                                  pooling="attention", epochs=epochs, patience=epochs, seed=seed, device="cpu",
                                  lr=1e-2 if synthetic else 1e-3, dropout=0.0 if synthetic else 0.5,
                                  embed_dropout=0.0 if synthetic else 0.25)
        trained = train_classifier(data, config, progress=False)
        accuracies.append(float(trained.evaluate(data.test)["accuracy"]))
        pairs_list = [trained.attention(t) for t in data.test.texts]
        peaks.append(float(np.mean([max(w for _, w in p) * len(p) for p in pairs_list if p])))
        ranked = attended_words(trained, data.test.texts, pairs_list=pairs_list)
        hit_counts.append(sum(r["word"] in indicative for r in ranked[:top]))
        word_runs += [{**r, "seed": seed} for r in ranked]
        kind_runs += [{"kind": k, "seed": seed, **v} for k, v in wordkinds.by_kind(pairs_list).items()]
        first = first or trained
    ranked = aggregate(word_runs, ["word", "count"], ["relative attention", "most attended in"])
    ranked = sorted([r for r in ranked if r["seeds"] == len(seeds)], key=lambda r: -r["relative attention"])
    for r in ranked:
        r["|log-odds|"] = float(scores.get(r["word"], float("nan")))
    kinds = aggregate(kind_runs, ["kind", "tokens"], ["relative attention", "most attended"])
    candidates = len({r["word"] for r in ranked if r["word"] in scores})
    best = ranked[:top]
    accuracy = aggregate([{"accuracy": a} for a in accuracies], [], ["accuracy"])[0]
    hits = aggregate([{"hits": h} for h in hit_counts], [], ["hits"])[0] if len(seeds) > 1 else None
    peak = aggregate([{"peak": p} for p in peaks], [], ["peak"])[0]
    pages = []
    for text, label in list(zip(data.test.texts, data.test.labels))[:examples]:
        e = explain(first, text)
        e["label"] = label
        pages.append(e)
    terminal = [{"sentence": render_terminal(e["pairs"], color=False), "predicted": e["predicted"],
                 "true": e["label"]} for e in pages[:5]]

    def draw(fig):
        left, right = fig.subplots(1, 2)
        words = [r["word"] for r in best][::-1]
        left.barh(words, [r["relative attention"] for r in best][::-1], xerr=[r["relative attention ±"] for r in best][::-1],
                  color=["#c62" if w in indicative else "#48c" for w in words], capsize=2)
        left.axvline(1.0, color="grey", linestyle=":")
        left.set_xlabel("attention x sentence length (1 = uniform), mean ± std")
        left.set_title(f"most attended words (orange: top-{pool} log-odds)")
        left.tick_params(axis="y", labelsize=8)
        shown = [k for k in kinds if k["tokens"]]
        right.barh([f"{k['kind']}\n({k['tokens']:,} tokens)" for k in shown][::-1],
                   [k["relative attention"] for k in shown][::-1], xerr=[k["relative attention ±"] for k in shown][::-1],
                   color="#48c", capsize=3)
        right.axvline(1.0, color="grey", linestyle=":")
        right.set_xlabel("relative attention on the test set (1 = an even share)")
        right.set_title("attention by kind of word (word lists)")

    sizes = ", ".join(f"{name} {len(words)}" for name, words in wordkinds.KINDS)
    return Report(
        "attention", f"Attention over words on {data.name}", best,
        conclusion(best, indicative, pool, candidates, accuracy, data.name, kinds, hits, peak),
        extra=[Table("Attention by kind of word (word lists)", kinds),
               Table("Attention on the first test sentences (word[weight], first seed)", terminal)],
        notes=[f"{data.name}: {len(data.train):,} train / {len(data.test):,} test sentences; bidirectional "
               f"{cell.upper()} with attention pooling, random {dim}-d embeddings, {hidden} hidden units, "
               f"{epochs} epochs; test accuracy {pm(accuracy, 'accuracy')}. Relative attention: a word's attention weight "
               "times the length of its sentence, averaged over its occurrences in the test set (words seen at "
               "least 3 times, in every seed's run); 1 is what every word would get under uniform attention. "
               f"Kinds of words by hand-made word lists (embedkit/experiments/wordkinds.py: {sizes} words); "
               "'most attended': share of test sentences whose most attended word is of that kind. "
               "`attention.html` shows the first test sentences shaded by weight (first seed). " + seeds_note(seeds)],
        config={"dataset": dataset, "cell": cell, "dim": dim, "hidden": hidden, "epochs": epochs,
                "seeds": list(seeds), "quick": quick},
        draw=draw, files={"attention.html": render_html(pages, f"Attention on {data.name}")},
        runs=kind_runs + [{"seed": s, "accuracy": a, "top words among indicative": h, "peak": p}
                          for s, a, h, p in zip(seeds, accuracies, hit_counts, peaks)])
