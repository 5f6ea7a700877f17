"""The downstream wing: do the vectors help a real task? Sentence classification, trained and compared.

A recurrent classifier: embedding -> RNN | LSTM | GRU -> pooling -> dropout -> linear.

Embedding inputs (`ClassifierConfig.embeddings`):

- ``"onehot"``: one-hot vectors over the vocabulary, fixed. A one-hot input times the first RNN
  layer's input weights W_ih (gates*hidden x V, per direction) is a column of W_ih, so the model
  never builds a V x V matrix: an ``nn.Embedding(V, directions*gates*hidden)`` holds exactly those
  columns (learned), and the RNN's own first-layer input weights are fixed identity blocks that
  hand each direction its part. The model is the one-hot model, parameter for parameter:
  `count_parameters` (trainable) equals ``V*directions*gates*hidden`` for the input weights plus
  the recurrent weights, biases, attention and output layer.
- ``"random"``: ``dim``-dimensional vectors learned from scratch.
- a vectors file or a pretrained name (``"glove-6b-50d"``): words missing from the vectors get
  small random vectors (uniform, scaled to the vectors' standard deviation); ``freeze`` keeps all
  vectors fixed, otherwise they are fine-tuned.

Vocabulary: every word of the training split (min count 1), plus, with pretrained vectors, the
dev/test words the vectors have (they are known without training). Index 0 is ``<pad>``, 1 ``<unk>``.
Sequences are packed, so padding never reaches the RNN, and pooling masks it out.

Modules: `datasets` (the registry's sets and your files), `splits` (seeded splits, k folds, class
checks), `tokenizer`, `config` (`ClassifierConfig`), `embeddings` (a spec becomes vectors),
`batches` (vocabulary, ids, padded batches), `model` (`SequenceClassifier`, the model only),
`devices` (device, seeds), `training` (the loop), `classifier` (a trained model: predict,
explain, save, load), `bow` (the bag-of-words baseline), `runs` (`run_model`: a spec becomes
scored runs), `scores`, `grid` and `report` (`embedkit compare`).

Example:
    >>> from embedkit.downstream import ClassifierConfig, load_classification, train_classifier
    >>> data = load_classification("mr", mirror="../shared/datasets")
    >>> trained = train_classifier(data, ClassifierConfig(embeddings="glove-6b-50d", bidirectional=True))
    >>> trained.evaluate(trained.test)["accuracy"]  # doctest: +SKIP
"""

from .config import ClassifierConfig
from .datasets import ClassificationData, LabelledTexts, load_classification
from .grid import compare
from .runs import run_model
from .splits import cv_folds, split_data
from .tokenizer import sentence_tokens


def __getattr__(name: str):
    """The torch-side names (`train_classifier`, `run_seeds`, `TrainedClassifier`), imported on first
    use, so that the baseline and the data readers work without torch."""
    torch_side = {"train_classifier": "training", "run_seeds": "training", "TrainedClassifier": "classifier",
                  "SequenceClassifier": "model"}
    if name in torch_side:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{torch_side[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ClassificationData", "ClassifierConfig", "LabelledTexts", "SequenceClassifier", "TrainedClassifier",
           "compare", "cv_folds", "load_classification", "run_model", "run_seeds", "sentence_tokens", "split_data",
           "train_classifier"]
