"""One-hot against dense vectors: memory, sparsity, cosine of related words, nearest neighbours.

Skip-gram vectors are trained on the corpus (`embedkit.train.train_skipgram`, native engine) and the
one-hot baseline is built over the same vocabulary (`embedkit.train.onehot.onehot`). Related pairs are
WordSim-353's pairs (gensim ships the file) whose words are both in the vocabulary: under one-hot
every distinct pair has cosine exactly 0; dense vectors give graded cosines whose Spearman with the
human scores is reported.
"""

from __future__ import annotations

import numpy as np

from ..errors import EmbedkitError
from .report import Report, Table, aggregate, pm, seeds_note

PROBE_WORDS = ("government", "police", "president", "war", "music", "french", "april", "computer",
               "water", "city", "fire", "australia")


def _ws353():
    """The WS-353 pairs (read before training, so a missing file fails before the work)."""
    from ..evaluation.benchmarks import read_similarity
    from ..registry import path

    return read_similarity(path("ws353"))


def _related_pairs(vectors, pairs):
    """The pairs whose two words (lower-cased, distinct) both have vectors; repeats dropped."""
    seen, kept = set(), []
    for p in pairs:
        key = (p.w1.lower(), p.w2.lower())
        if key not in seen and key[0] != key[1] and all(w in vectors.index for w in key):
            seen.add(key)
            kept.append(p)
    return kept


def corpus_source(corpus: str):
    """`demo` (gensim's Wikipedia sample), `lee` (gensim's Lee background corpus) or a path."""
    from pathlib import Path

    if corpus == "demo":
        from ..train.demo import demo_corpus

        return demo_corpus()
    if corpus == "lee":
        from gensim.test.utils import datapath

        return datapath("lee_background.cor")
    if not Path(corpus).exists():
        raise EmbedkitError(f"{corpus}: no such file or folder (or use 'demo' or 'lee')")
    return corpus


def run(corpus: str, *, dim: int = 100, epochs: int = 10, min_count: int = 5, seeds=(1, 2, 3),
        words=PROBE_WORDS, topn: int = 5, quick: bool = False) -> Report:
    """Train dense vectors on `corpus` once per seed, build one-hot vectors over the same words,
    compare them (cosines: mean ± std over the seeds; neighbours: the first seed's vectors)."""
    runs, first = [], None
    for seed in seeds:
        report = _run_once(corpus, dim=dim, epochs=epochs, min_count=min_count, seed=seed, words=words, topn=topn,
                           quick=quick)
        runs += [{**row, "seed": seed} for row in report.rows]
        first = first or report
    metrics = ["cos related", "cos unrelated", "spearman"]
    rows = aggregate(runs, ["vectors", "words", "dims", "dense MB", "stored MB"],
                     [m for m in metrics if m in runs[0]] + ["% zeros"])
    for row in rows:
        row.pop("% zeros ±", None)
    dense = rows[1]
    sentence = first.conclusion
    if "spearman" in dense and len(seeds) > 1:
        sentence = sentence[:-1] + (f"; over {len(seeds)} seeds the dense cosines were {pm(dense, 'cos related', _f2)} "
                                    f"(related) and {pm(dense, 'cos unrelated', _f2)} (unrelated), Spearman "
                                    f"{pm(dense, 'spearman', _f2)}.")
    first.rows, first.runs, first.conclusion = rows, runs, sentence
    first.notes.append(seeds_note(seeds) + " Nearest neighbours and the pair table: the first seed's vectors.")
    first.config = {**first.config, "seeds": list(seeds)}
    first.config.pop("seed", None)
    return first


def _f2(x: float) -> str:
    return f"{x:.2f}"


def _run_once(corpus: str, *, dim: int, epochs: int, min_count: int, seed: int, words, topn: int,
              quick: bool) -> Report:
    """One seed of `run`."""
    from scipy import stats

    from ..train.onehot import onehot
    from ..query import most_similar
    from ..train.config import SkipGramConfig
    from ..train.skipgram import train_skipgram
    from ..evaluation.similarity import pair_cosines

    if quick:
        dim, epochs = min(dim, 50), min(epochs, 3)
    config = SkipGramConfig(vector_size=dim, epochs=epochs, min_count=min_count, seed=seed, workers=1)
    config.check()
    source, ws353 = corpus_source(corpus), _ws353()
    dense = train_skipgram(source, config, progress=False)
    sparse = onehot(dense.words, dense.counts)
    n = len(dense)

    sparse_bytes = sparse.matrix.data.nbytes + sparse.matrix.indices.nbytes + sparse.matrix.indptr.nbytes
    rows = [
        {"vectors": "one-hot", "words": n, "dims": n, "dense MB": n * n * 4 / 1e6,
         "stored MB": sparse_bytes / 1e6, "% zeros": 100 * (1 - 1 / n)},
        {"vectors": f"skip-gram {dim}d", "words": n, "dims": dim, "dense MB": n * dim * 4 / 1e6,
         "stored MB": dense.matrix.nbytes / 1e6, "% zeros": 100 * float(np.mean(dense.matrix == 0))},
    ]

    pairs = _related_pairs(dense, ws353)
    cos_rows = []
    if pairs:
        a = np.array([dense.index[p.w1.lower()] for p in pairs])
        b = np.array([dense.index[p.w2.lower()] for p in pairs])
        cos_dense = pair_cosines(dense, a, b)
        cos_onehot = pair_cosines(sparse, a, b)
        gold = np.array([p.score for p in pairs])
        rho = float(stats.spearmanr(gold, cos_dense).statistic) if len(pairs) > 2 else float("nan")
        high, low = gold >= 7, gold <= 3
        for row, cos in ((rows[0], cos_onehot), (rows[1], cos_dense)):
            row.update({"pairs": len(pairs),
                        "cos related": float(cos[high].mean()) if high.any() else float("nan"),
                        "cos unrelated": float(cos[low].mean()) if low.any() else float("nan"),
                        "spearman": rho if row is rows[1] else float("nan")})
        order = np.argsort(-gold)[:8]
        cos_rows = [{"pair": f"{pairs[i].w1.lower()}-{pairs[i].w2.lower()}", "human": float(gold[i]),
                     "one-hot cosine": float(cos_onehot[i]), "dense cosine": float(cos_dense[i])} for i in order]
    else:
        rho = float("nan")

    probes = [w for w in words if w in dense.index][:8] or dense.words[50:55]
    neighbour_rows = []
    for word in probes:
        near = most_similar(dense, [word], topn=topn)
        # one-hot: every other word has cosine 0; the "nearest" are an arbitrary tie (first rows)
        near_onehot = most_similar(sparse, [word], topn=topn)
        neighbour_rows.append({"word": word,
                               "one-hot": ", ".join(f"{w} {s:.2f}" for w, s in near_onehot),
                               "skip-gram": ", ".join(f"{w} {s:.2f}" for w, s in near)})

    sentence = (f"One-hot vectors of {n:,} words are {rows[0]['% zeros']:.2f}% zeros and would take "
                f"{rows[0]['dense MB']:,.1f} MB dense ({rows[0]['stored MB']:.2f} MB stored sparse) against "
                f"{rows[1]['dense MB']:.1f} MB for {dim}-d skip-gram vectors; ")
    if pairs:
        sentence += (f"the {len(pairs)} WordSim-353 pairs in the vocabulary have mean cosine "
                     f"{rows[0]['cos related']:.2f} (related, human score >= 7) and {rows[0]['cos unrelated']:.2f} "
                     f"(unrelated, <= 3) one-hot, against {rows[1]['cos related']:.2f} and "
                     f"{rows[1]['cos unrelated']:.2f} dense (Spearman with the human scores {rho:.2f}).")
    else:
        sentence += "no WordSim-353 pair is in the vocabulary, so no cosine of related words was measured."
    if not neighbour_rows:
        raise EmbedkitError(f"{corpus}: vocabulary too small to compare")

    def draw(fig):
        left, right = fig.subplots(1, 2)
        left.bar(["one-hot\n(dense)", "one-hot\n(sparse)", f"skip-gram\n{dim}d"],
                 [rows[0]["dense MB"], rows[0]["stored MB"], rows[1]["dense MB"]], color=["#c44", "#e99", "#48c"])
        left.set_yscale("log")
        left.set_ylabel("memory (MB, log scale)")
        left.set_title(f"memory of {n:,} word vectors")
        if cos_rows:
            right.scatter(gold, cos_dense, s=14, color="#48c", label=f"skip-gram (Spearman {rho:.2f})")
            right.scatter(gold, cos_onehot, s=14, color="#c44",
                          label="one-hot (all 0)")
            right.set_xlabel("WordSim-353 human score")
            right.set_ylabel("cosine")
            right.set_title(f"cosine of {len(pairs)} WordSim-353 pairs")
            right.set_ylim(-0.08, 1.08)
            # below the axes: inside, any corner covers some of the 240 points
            right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8, frameon=False)

    return Report(
        "onehot", "One-hot vs dense word vectors", rows, sentence,
        extra=[Table("Related pairs (highest human scores)", cos_rows),
               Table("Nearest neighbours", neighbour_rows)],
        notes=[f"Corpus {corpus}; dense vectors: skip-gram, {dim} dims, {epochs} epochs, min-count {min_count}. "
               "One-hot nearest neighbours are ties at cosine 0: the words listed are arbitrary."],
        config={"corpus": str(corpus), "dim": dim, "epochs": epochs, "min_count": min_count, "seed": seed},
        draw=draw)
