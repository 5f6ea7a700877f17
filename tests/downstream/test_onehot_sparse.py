"""One-hot inputs with sparse gradients: the clipping equals torch's on the same gradients, a step
moves only the rows of the batch's tokens, and the model still learns."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from embedkit.downstream.config import ClassifierConfig  # noqa: E402
from embedkit.downstream.model import SequenceClassifier  # noqa: E402
from embedkit.downstream.optim import Optimizer  # noqa: E402

torch.set_num_threads(1)


def _model(sparse: bool, seed: int = 0):
    torch.manual_seed(seed)
    config = ClassifierConfig(embeddings="onehot", hidden=6, bidirectional=True)
    model = SequenceClassifier(30, 2, config)
    model.embedding.sparse = sparse
    model.eval()  # no dropout: both models see the same computation
    return model, config


def _backward(model):
    ids = torch.tensor([[2, 3, 4, 3], [5, 6, 0, 0]])
    lengths = torch.tensor([4, 2])
    loss = torch.nn.functional.cross_entropy(model(ids, lengths), torch.tensor([0, 1])) * 50  # big: clipped
    loss.backward()


def test_onehot_lookup_has_sparse_gradients_and_clipping_matches_torch():
    sparse, config = _model(True)
    dense, _ = _model(False)
    assert sparse.embedding.sparse  # the model as built
    _backward(sparse)
    _backward(dense)
    assert sparse.embedding.weight.grad.is_sparse and not dense.embedding.weight.grad.is_sparse
    Optimizer(sparse, config).clip(0.5)
    torch.nn.utils.clip_grad_norm_([p for p in dense.parameters() if p.requires_grad], 0.5)
    for (name, a), b in zip(sparse.named_parameters(), dense.parameters()):
        if a.grad is not None:
            got = a.grad.to_dense() if a.grad.is_sparse else a.grad
            torch.testing.assert_close(got, b.grad, msg=name)


def test_a_step_moves_only_the_rows_of_the_batch():
    model, config = _model(True)
    before = model.embedding.weight.detach().clone()
    optimizer = Optimizer(model, config)
    optimizer.zero_grad()
    _backward(model)
    optimizer.clip(5.0)
    optimizer.step()
    moved = (model.embedding.weight.detach() != before).any(1).nonzero().ravel().tolist()
    assert moved == [2, 3, 4, 5, 6]  # padding (0) and every unseen word stay where they were


def test_embed_lr_gives_the_embedding_its_own_rate():
    config = ClassifierConfig(embeddings="random", hidden=4, dim=3, lr=1e-3, embed_lr=1e-4)
    model = SequenceClassifier(10, 2, config)
    groups = Optimizer(model, config).optimizers[0].param_groups
    rates = {id(p): g["lr"] for g in groups for p in g["params"]}
    assert rates[id(model.embedding.weight)] == 1e-4
    assert {rates[id(p)] for n, p in model.named_parameters() if n != "embedding.weight"} == {1e-3}


def test_the_shared_loop_trains_a_model_with_sparse_gradients():
    from embedkit.downstream.loop import clip_gradients, fit

    model, config = _model(True)
    before = model.embedding.weight.detach().clone()
    ids, lengths, y = torch.tensor([[2, 3, 4, 3], [5, 6, 0, 0]]), torch.tensor([4, 2]), torch.tensor([0, 1])

    def loss(batch):
        return torch.nn.functional.cross_entropy(model(ids, lengths), y) * 50, 2

    history = fit(model, Optimizer(model, config), epochs=2, patience=5, batches=lambda epoch: [None],
                  loss=loss, score=lambda: 0.5)
    assert [h["epoch"] for h in history] == [1, 2]
    moved = (model.embedding.weight.detach() != before).any(1).nonzero().ravel().tolist()
    assert moved == [2, 3, 4, 5, 6]
    _backward(model)
    clip_gradients(model.parameters(), 0.5)
    norms = [p.grad.coalesce().values().norm() if p.grad.is_sparse else p.grad.norm()
             for p in model.parameters() if p.grad is not None]
    assert float(torch.stack(norms).norm()) == pytest.approx(0.5, rel=1e-4)
