"""Encoder-decoder with and without attention on translation tasks whose alignment is known.

Two synthetic tasks (`synthetic.reversal_task`, `synthetic.pair_task`): reversing a sequence of
symbols (the alignment is the anti-diagonal) and a toy English -> French pair whose adjectives
follow the noun and whose "of the" / "to the" become one word. For each task, seed and attention
("none": the decoder sees only the encoder's summary; "additive": Bahdanau et al. 2014; "dot":
Luong et al. 2015) a GRU or LSTM encoder-decoder is trained with teacher forcing on fresh
sentences every epoch (`downstream.translator.train_seq2seq`) and decoded greedily.

Measured: exact-match accuracy of the greedy translations by source length (the shape of
Bahdanau et al.'s Figure 2), word accuracy, and for attention models how well the learned
alignment (teacher forcing) matches the true one: the share of target words whose most attended
source word is one they translate, and the share of attention on those words.
"""

from __future__ import annotations

import time

import numpy as np

from .alignment import agreement, heatmap, mass
from .report import Report, Table, aggregate, clearly, percent, pm, seeds_note

TASKS = ("reversal", "pair")
ATTENTIONS = ("none", "additive")
NAMES = {"none": "no attention", "additive": "additive attention", "dot": "dot attention"}
SIZES = {False: {"n": 2000, "dev": 200, "test": 600, "epochs": 15, "dim": 32, "hidden": 64, "max_len": 30,
                 "clauses": 4},
         True: {"n": 800, "dev": 60, "test": 150, "epochs": 6, "dim": 16, "hidden": 32, "max_len": 8,
                "clauses": 1}}


def make_task(task: str, n: int, seed: int, size: dict):
    """`n` pairs of `task` ("reversal" or "pair"), drawn with `seed`."""
    from . import synthetic

    if task == "reversal":
        return synthetic.reversal_task(n, min_len=3, max_len=size["max_len"], seed=seed)
    return synthetic.pair_task(n, max_clauses=size["clauses"], seed=seed)


def _ends(rows: list[dict], task: str, attention: str) -> tuple[dict, dict]:
    """The shortest and the longest length bucket of one model."""
    mine = [r for r in rows if r["task"] == task and r["attention"] == attention]
    return mine[0], mine[-1]


def conclusion(summary: list[dict], by_length: list[dict]) -> str:
    """What the numbers say, per task: how exact match changed from the shortest to the longest
    sentences for each model, whether attention was ahead on the longest by more than the spread,
    and how often the attention model's most attended word was a true one."""
    parts = []
    beyond = (" by more than the spread" if all(r.get("seeds", 2) > 1 for r in summary)
              else " (one seed: no spread measured)")
    for task in dict.fromkeys(r["task"] for r in summary):
        models = [r for r in summary if r["task"] == task]
        text = []
        for model in models:
            first, last = _ends(by_length, task, model["attention"])
            change = clearly(first, last, "exact match")
            verb = "fell" if change > 0 else "rose" if change < 0 else "held within the spread"
            text.append(f"{NAMES[model['attention']]} {verb} from {pm(first, 'exact match')} ({first['words']} words) "
                        f"to {pm(last, 'exact match')} ({last['words']})")
        plain = next((m for m in models if m["attention"] == "none"), None)
        for model in models:
            if model["attention"] == "none":
                continue
            if plain is not None:
                ahead = clearly(_ends(by_length, task, model["attention"])[1], _ends(by_length, task, "none")[1],
                                "exact match")
                text.append(f"on the longest sentences {NAMES[model['attention']]} was "
                            + ("ahead of" if ahead > 0 else "behind" if ahead < 0 else "no different from")
                            + " no attention" + (beyond if ahead else ""))
            text.append(f"its most attended source word was a true one for {pm(model, 'alignment agreement')} of "
                        "the target words")
        parts.append(f"{task}: " + "; ".join(text))
    sentence = ". ".join(p[0].upper() + p[1:] for p in parts)
    return sentence + "."


def _examples(task, trained, count: int = 2) -> list[dict]:
    """`count` test pairs to draw: medium lengths; for the language pair one that merges two words."""
    from .synthetic import CONTRACTIONS

    order = sorted(range(len(task)), key=lambda i: abs(len(task.sources[i]) - 12))
    merged = set(CONTRACTIONS.values())
    first = [i for i in order if merged & set(task.targets[i])][:1] if task.name == "pair" else []
    chosen = (first + [i for i in order if i not in first])[:count]
    weights = trained.align([task.sources[i] for i in chosen], [task.targets[i] for i in chosen])
    return [{"task": task.name, "source": task.sources[i], "target": task.targets[i], "weights": w,
             "truth": task.alignments[i]} for i, w in zip(chosen, weights)]


def run(tasks=TASKS, *, attentions=ATTENTIONS, cell: str = "gru", seeds=(1, 2, 3), epochs: int | None = None,
        quick: bool = False, save=None, progress: bool = False) -> Report:
    """Train an encoder-decoder per task, attention and seed; accuracy by length and alignments.

    Args:
        tasks: "reversal" and/or "pair".
        attentions: "none", "additive", "dot".
        cell: "gru" or "lstm".
        seeds: one run per seed (data and weights).
        epochs: training epochs (default 15; 3 with `quick`).
        quick: small sizes, for a check of the set-up.
        save: a folder; the first seed's first attention model of each task is saved as
            ``<save>/<task>.model`` (for `embedkit explain`).

    Returns:
        Report (rows: one per task and attention; extra tables: exact match by source length).
    """
    from .length import buckets
    from ..downstream.seq2seq import Seq2SeqConfig
    from ..downstream.translator import train_seq2seq

    size = dict(SIZES[quick])
    if epochs is not None:
        size["epochs"] = epochs
    runs, length_runs, examples, saved = [], [], [], []
    for task in tasks:
        # length buckets of about equal size, the same for every seed: from a sample drawn once
        ranges = buckets([len(s) for s in make_task(task, 2000, 0, size).sources], 5)
        for seed in seeds:
            base = seed * 1000 + (0 if task == "reversal" else 500)
            train, dev, test = (make_task(task, n, base + i, size) for i, n in
                                enumerate((size["n"], size["dev"], size["test"])))
            lengths = np.clip([len(s) for s in test.sources], ranges[0][0], ranges[-1][1])
            for attention in attentions:
                config = Seq2SeqConfig(cell=cell, attention=attention, dim=size["dim"], hidden=size["hidden"],
                                       epochs=size["epochs"], patience=size["epochs"], seed=seed, device="cpu")
                started = time.perf_counter()
                trained = train_seq2seq(train, dev, config, name=task, progress=progress,
                                        resample=lambda e, t=task, b=base: make_task(t, size["n"], b + 100 + e, size))
                seconds = time.perf_counter() - started
                scores = trained.evaluate(test.sources, test.targets)
                correct = np.array(scores["correct"])
                row = {"task": task, "attention": attention, "seed": seed, "exact match": scores["exact_match"],
                       "word accuracy": scores["word_accuracy"], "alignment agreement": float("nan"),
                       "attention on true words": float("nan"), "parameters": trained.parameters,
                       "s/epoch": seconds / max(1, len(trained.history))}
                if attention != "none":
                    learned = trained.align(test.sources, test.targets)
                    row["alignment agreement"] = float(np.mean([agreement(w, t) for w, t in zip(learned, test.alignments)]))
                    row["attention on true words"] = float(np.mean([mass(w, t) for w, t in zip(learned, test.alignments)]))
                    if seed == seeds[0] and not any(e["task"] == task for e in examples):
                        examples += [{**e, "attention": attention} for e in _examples(test, trained)]
                        if save is not None:
                            from pathlib import Path

                            target = Path(save) / f"{task}.model"
                            trained.save(target, parents=True)
                            saved.append(str(target))
                runs.append(row)
                for low, high in ranges:
                    inside = (lengths >= low) & (lengths <= high)
                    length_runs.append({"task": task, "attention": attention, "seed": seed, "words": f"{low}-{high}",
                                        "sentences": int(inside.sum()), "exact match": float(correct[inside].mean())})
    metrics = ["exact match", "word accuracy", "alignment agreement", "attention on true words", "s/epoch"]
    summary = aggregate(runs, ["task", "attention"], metrics)
    for row in summary:
        row["parameters"] = next(r["parameters"] for r in runs if r["task"] == row["task"]
                                 and r["attention"] == row["attention"])
    by_length = aggregate(length_runs, ["task", "attention", "words"], ["exact match"])
    for row in by_length:  # test sentences of all seeds together
        row["sentences"] = sum(r["sentences"] for r in length_runs if all(r[k] == row[k] for k in
                                                                          ("task", "attention", "words")))

    def draw(fig):
        axes = np.atleast_1d(fig.subplots(1, len(tasks), squeeze=False)[0])
        for ax, task in zip(axes, tasks):
            for attention in attentions:
                mine = [r for r in by_length if r["task"] == task and r["attention"] == attention]
                ax.errorbar([r["words"] for r in mine], [r["exact match"] for r in mine],
                            yerr=[r["exact match ±"] for r in mine], marker="o", capsize=3, label=NAMES[attention])
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("source sentence length (words)")
            ax.set_ylabel("exact match of the greedy translation")
            ax.set_title(f"{task}: {cell.upper()} encoder-decoder, {len(seeds)} seed(s), mean ± std")
            ax.legend(fontsize=8)

    def draw_alignments(fig):
        grid = fig.subplots(len(examples), 2, squeeze=False)
        for (left, right), e in zip(grid, examples):
            heatmap(left, e["weights"], e["source"], e["target"],
                    f"{e['task']}: learned ({NAMES[e['attention']]}), argmax on a true word for "
                    f"{percent(agreement(e['weights'], e['truth']))} of target words")
            heatmap(right, e["truth"], e["source"], e["target"], f"{e['task']}: true alignment")

    figures = {}
    if examples:
        figures["alignment.png"] = (draw_alignments, (11, 3.6 * len(examples)))
    notes = [f"{cell.upper()} encoder (both directions) and decoder, {size['dim']}-d word embeddings, {size['hidden']} "
             f"units per direction, Adam at 0.003, batches of 32, {size['epochs']} epochs of {size['n']:,} fresh "
             f"sentences each (the weights of the best dev epoch kept), greedy decoding; {size['test']} test "
             "sentences per task and seed. reversal: 3 to "
             f"{size['max_len']} symbols of 20; pair: 1 to {size['clauses']} clauses of a toy English (the black cat "
             "sees a dog of the old house) and its French (le chat noir voit un chien du maison vieux). "
             "Exact match: the whole translation right; alignment agreement: share of target words whose most "
             "attended source word (teacher forcing) is one they translate. " + seeds_note(seeds)]
    if saved:
        notes.append("Saved models (embedkit explain MODEL \"a sentence\"): " + ", ".join(saved) + ".")
    return Report(
        "seq2seq", "Encoder-decoder with and without attention", summary, conclusion(summary, by_length),
        extra=[Table("Exact match by source length", by_length)], notes=notes,
        config={"tasks": list(tasks), "attentions": list(attentions), "cell": cell, "seeds": list(seeds),
                **size, "quick": quick},
        draw=draw, figures=figures, runs=runs + length_runs)
