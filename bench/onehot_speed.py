"""The one-hot BiLSTM on SST-2: seconds per epoch and test accuracy of the model as it is, against the
same model fed through its torch module's identity input blocks (the previous version) and with
dense gradients on its lookup (the issue's reference: 23.6 s per epoch), all in the same run.

    python bench/onehot_speed.py --mirror ../shared/datasets     # -> bench/results/onehot_speed.txt

Variants, each trained to early stopping once per seed (same seeds, same data, same settings):
- "as it is": sparse gradients (SparseAdam), the cell stepped from the looked-up gates (`recurrence`);
- "identity blocks": sparse gradients, the lookup multiplied by the fixed identity W_ih inside nn.LSTM;
- "dense gradients": the cell stepped as it is, the lookup's gradient dense and updated by Adam;
- "random 50-d inputs" (only when asked for): the BiLSTM on learned 50-d embeddings, for scale.

One torch thread. An epoch is training plus the dev evaluation; CPU seconds are the process's.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from embedkit.downstream import ClassifierConfig, load_classification, train_classifier  # noqa: E402
from embedkit.downstream import model as model_module  # noqa: E402

RESULTS = Path(__file__).parent / "results"
VARIANTS = {
    "as it is": {},
    "identity blocks": {"onehot": False},   # `_encode` then runs the packed nn.LSTM on the lookup
    "dense gradients": {"sparse": False},
    "random 50-d inputs": {"embeddings": "random"},  # not one-hot: the cost of a dense 50-d input, for scale
}


def patched(changes: dict):
    """Patch SequenceClassifier so that a new model gets `changes` (on itself or its embedding)."""
    original = model_module.SequenceClassifier.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        if "onehot" in changes and self.onehot:
            self.onehot = changes["onehot"]
        if "sparse" in changes:
            self.embedding.sparse = changes["sparse"]

    model_module.SequenceClassifier.__init__ = init
    return lambda: setattr(model_module.SequenceClassifier, "__init__", original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--variants", default=",".join(list(VARIANTS)[:3]), help="comma list of " + ", ".join(VARIANTS))
    parser.add_argument("--out", default=str(RESULTS / "onehot_speed.txt"))
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_classification("sst2", mirror=args.mirror)
    config = ClassifierConfig(embeddings="onehot", bidirectional=True)
    lines = [f"# python bench/onehot_speed.py {' '.join(sys.argv[1:])}",
             f"# torch {torch.__version__}, 1 thread; SST-2 standard split, BiLSTM hidden 100, one-hot inputs, "
             f"load {os.getloadavg()[0]:.1f} at start"]
    summary = {}
    for name in args.variants.split(","):
        accuracies, walls, cpus = [], [], []
        for seed in range(1, args.seeds + 1):
            changes = VARIANTS[name]
            restore = patched(changes)
            cpu = time.process_time()
            try:
                trained = train_classifier(data, replace(config, seed=seed, embeddings=changes.get("embeddings", "onehot")),
                                           progress=False)
            finally:
                restore()
            cpu = time.process_time() - cpu
            accuracy = 100 * trained.evaluate(trained.test)["accuracy"]
            epochs = [h["seconds"] for h in trained.history]
            accuracies.append(accuracy)
            walls += epochs
            cpus.append((cpu, len(epochs)))
            lines.append(f"{name}, seed {seed}: test accuracy {accuracy:.2f}, {len(epochs)} epochs, "
                         f"{np.mean(epochs):.2f} s/epoch wall, {cpu:.1f} s CPU")
            print(lines[-1], flush=True)
        cpu_per_epoch = sum(c for c, _ in cpus) / sum(n for _, n in cpus)
        summary[name] = cpu_per_epoch
        spread = f" +- {np.std(accuracies, ddof=1):.2f}" if len(accuracies) > 1 else " (one seed)"
        lines.append(f"{name}: {np.mean(accuracies):.2f}{spread} test accuracy; {np.mean(walls):.2f} s/epoch wall "
                     f"(median {np.median(walls):.2f}), {cpu_per_epoch:.2f} CPU s/epoch")
        print(lines[-1], flush=True)
    if "as it is" in summary:
        for name, seconds in summary.items():
            if name != "as it is":
                lines.append(f"as it is vs {name}: {seconds / summary['as it is']:.2f}x fewer CPU seconds per epoch")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines[-len(summary) + 1:]))


if __name__ == "__main__":
    main()
