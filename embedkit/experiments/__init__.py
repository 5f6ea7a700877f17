"""Experiments that show why gates, bidirectionality and attention matter.

One module per experiment, each a function ``run(...) -> Report`` that trains with
`embedkit.downstream` (no second training loop), and `report.py`, which writes every experiment's
``report.md``, CSV, JSON and PNG into an output folder atomically and computes the one-sentence
conclusion from the numbers:

- `length`: RNN vs LSTM vs GRU as the deciding word moves away from the end (`synthetic.py`);
- `cells`: trainable parameters of the cells against their formulas, accuracy, time per epoch;
- `direction`: forward-only, backward-only and bidirectional, by where the deciding words sit;
- `attention`: attention-pooled classifier, the words it attends to, `explain` rendering;
- `onehot`: one-hot against dense vectors: memory, sparsity, cosine, neighbours.
"""
