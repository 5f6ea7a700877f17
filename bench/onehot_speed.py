"""The one-hot BiLSTM on SST-2: seconds per epoch with sparse gradients (the model as it is) against
the same model with dense gradients (the reference, measured in the same run), and the accuracy
of the sparse model over 3 seeds (the dense model's, measured before: 80.9 +- 0.5).

    python bench/onehot_speed.py --mirror ../shared/datasets     # -> bench/results/onehot_speed.txt

One torch thread; wall and CPU seconds of each epoch (train + dev evaluation).
"""

from __future__ import annotations

import argparse
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


def dense_gradients():
    """Patch SequenceClassifier so that its one-hot lookup has dense gradients (the reference)."""
    original = model_module.SequenceClassifier.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.embedding.sparse = False

    model_module.SequenceClassifier.__init__ = init
    return lambda: setattr(model_module.SequenceClassifier, "__init__", original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=str(Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--reference-epochs", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_classification("sst2", mirror=args.mirror)
    config = ClassifierConfig(embeddings="onehot", bidirectional=True)
    lines = [f"# python bench/onehot_speed.py {' '.join(sys.argv[1:])}",
             f"# torch {torch.__version__}, 1 thread; SST-2 standard split, BiLSTM hidden 100, one-hot inputs"]
    restore = dense_gradients()
    cpu = time.process_time()
    reference = train_classifier(data, replace(config, epochs=args.reference_epochs, patience=99), progress=False)
    restore()
    dense = [h["seconds"] for h in reference.history]
    lines.append(f"dense gradients (reference): {np.mean(dense):.1f} s/epoch wall over {len(dense)} epochs "
                 f"({', '.join(f'{s:.1f}' for s in dense)}); {time.process_time() - cpu:.1f} s CPU in all")
    print(lines[-1], flush=True)
    accuracies, epochs = [], []
    for seed in range(1, args.seeds + 1):
        cpu = time.process_time()
        trained = train_classifier(data, replace(config, seed=seed), progress=False)
        accuracy = trained.evaluate(trained.test)["accuracy"]
        accuracies.append(accuracy)
        epochs += [h["seconds"] for h in trained.history]
        lines.append(f"sparse gradients, seed {seed}: test accuracy {100 * accuracy:.2f}, {len(trained.history)} "
                     f"epochs, {np.mean([h['seconds'] for h in trained.history]):.1f} s/epoch wall, "
                     f"{time.process_time() - cpu:.1f} s CPU")
        print(lines[-1], flush=True)
    lines.append(f"sparse: {100 * np.mean(accuracies):.2f} +- {100 * np.std(accuracies, ddof=1):.2f} test accuracy, "
                 f"{np.mean(epochs):.1f} s/epoch (median {np.median(epochs):.1f}); "
                 f"{np.mean(dense) / np.mean(epochs):.1f}x faster than dense gradients")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "onehot_speed.txt").write_text("\n".join(lines) + "\n")
    print(lines[-1])


if __name__ == "__main__":
    main()
