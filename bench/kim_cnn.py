"""Kim's (2014) CNN as a reference model, trained by embedkit's loop on embedkit's splits, so that
the gap between embedkit's BiLSTM and Kim's published CNN rows splits into the network and the vectors.

    python bench/kim_cnn.py --datasets cr,mr --mirror ../shared/datasets     # -> bench/results/kim_cnn.txt
    python bench/kim_cnn.py --datasets cr --cv 10 --variants rand,glove-nonstatic --out bench/results/kim_cnn_cv.txt

The network is Kim's: filter widths 3, 4 and 5 with 100 feature maps each over the embedded
tokens (texts shorter than 5 tokens padded), ReLU, max over time, dropout 0.5, a linear layer;
CNN-rand initialises the embeddings uniform in [-0.25, 0.25], as Kim does. Everything else is
what `embedkit classify` does for the BiLSTM, so the comparison changes only the network: the
same seeded split (or folds), vocabulary, rows for words without vectors, batches of 50, Adam at
1e-3 with the gradient clipped to norm 5, early stopping on dev accuracy (patience 3, at most 20
epochs). Kim trains with Adadelta and a max-norm constraint of 3 on the output weights instead;
neither is reproduced here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.downstream import ClassifierConfig, load_classification  # noqa: E402
from embedkit.downstream import training  # noqa: E402
from embedkit.downstream.config import PAD  # noqa: E402

RESULTS = Path(__file__).parent / "results"
WIDTHS, MAPS = (3, 4, 5), 100
VARIANTS = {  # name: (embeddings, freeze)
    "rand": ("random", None),
    "glove-static": ("glove-6b-50d", True),
    "glove-nonstatic": ("glove-6b-50d", False),
    "w2v50-nonstatic": ("/tmp/wiki-w2v-50d.ekv", False),
    "w2v300-nonstatic": ("/tmp/wiki-w2v-300d.ekv", False),
    # GloVe scaled to a smaller spread (std 0.69 -> 0.30, embedkit's 50-d word2vec's; -> 0.144, the random
    # init's), written by `scaled_glove` when missing
    "glove-std0.30-nonstatic": ("/tmp/glove-std030.ekv", False),
    "glove-std0.144-nonstatic": ("/tmp/glove-std0144.ekv", False),
}
SCALED = {"/tmp/glove-std030.ekv": 0.30, "/tmp/glove-std0144.ekv": 0.144}


def scaled_glove(path: str, std: float) -> None:
    """GloVe 6B 50d times one number, so that the std of its first 50,000 rows' values is `std`."""
    from embedkit.io import load_pretrained, save
    from embedkit.vectors import Vectors

    glove = load_pretrained("glove-6b-50d")
    matrix = np.asarray(glove.matrix)
    k = std / matrix[:50_000].std()
    meta = {**glove.meta, "description": f"GloVe 6B 50d scaled by {k:.3f} (std {std})"}
    save(Vectors(glove.words, matrix * k, meta=meta), path)


class KimCNN(nn.Module):
    """embedding -> convolutions of widths 3, 4, 5 (100 maps each) -> ReLU -> max over time -> dropout 0.5 -> linear."""

    def __init__(self, vocab_size: int, classes: int, config: ClassifierConfig, weights: np.ndarray | None = None):
        super().__init__()
        self.config = config
        dim = config.dim if weights is None else weights.shape[1]
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        with torch.no_grad():
            if weights is not None:
                self.embedding.weight.copy_(torch.from_numpy(weights))
            else:
                nn.init.uniform_(self.embedding.weight, -0.25, 0.25)
            self.embedding.weight[PAD].zero_()
        self.embedding.weight.requires_grad_(not config.frozen())
        self.convs = nn.ModuleList(nn.Conv1d(dim, MAPS, width) for width in WIDTHS)
        self.dropout = nn.Dropout(0.5)
        self.output = nn.Linear(MAPS * len(WIDTHS), classes)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        if ids.shape[1] < max(WIDTHS):
            ids = F.pad(ids, (0, max(WIDTHS) - ids.shape[1]), value=PAD)
        x = self.embedding(ids).transpose(1, 2)  # (B, E, T)
        pooled = torch.cat([F.relu(conv(x)).max(2).values for conv in self.convs], 1)
        return self.output(self.dropout(pooled))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", default="cr,mr,subj,mpqa")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma list of " + ", ".join(VARIANTS))
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--cv", type=int, default=None, help="K folds (default: the fixed seeded split of --cv none)")
    parser.add_argument("--out", default=str(RESULTS / "kim_cnn.txt"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    training.SequenceClassifier = KimCNN  # train_classifier builds this network; the rest is unchanged
    protocol = f"{args.cv}-fold cross-validation" if args.cv else "the fixed seeded split (80/10/10) of --cv none"
    lines = [f"# python bench/kim_cnn.py {' '.join(sys.argv[1:])}",
             f"# Kim's CNN (widths 3,4,5 x 100 maps) in embedkit's loop; {protocol}; seeds 1-{args.seeds}; "
             f"torch {torch.__version__}, 1 thread, load {os.getloadavg()[0]:.1f} at start",
             "# dataset  variant  test accuracy % mean +- std over runs  (runs, mean epochs, CPU s)"]
    print("\n".join(lines), flush=True)
    for name in args.datasets.split(","):
        data = load_classification(name, mirror=args.mirror)
        for variant in args.variants.split(","):
            embeddings, freeze = VARIANTS[variant]
            if embeddings in SCALED and not Path(embeddings).exists():
                scaled_glove(embeddings, SCALED[embeddings])
            config = ClassifierConfig(embeddings=embeddings, freeze=freeze, embed_dropout=0.0)
            cpu = time.process_time()
            result = training.run_seeds(data, config, seeds=range(1, args.seeds + 1), progress=False, cv=args.cv)
            cpu = time.process_time() - cpu
            accuracies = [100 * run["accuracy"] for run in result["runs"]]
            epochs = np.mean([run["epochs"] for run in result["runs"]])
            coverage = result["coverage"]
            covered = f", coverage {100 * coverage['fraction']:.1f}%" if coverage else ""
            lines.append(f"{data.name}  {variant}  {np.mean(accuracies):.2f} +- {np.std(accuracies, ddof=1):.2f}  "
                         f"({len(accuracies)} runs, {epochs:.1f} epochs, {cpu:.0f} CPU s{covered})")
            print(lines[-1], flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
