"""`recurrence.run` computes what the torch module computes on the packed sequence, gradients included."""

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence  # noqa: E402

from embedkit.downstream import recurrence  # noqa: E402
from embedkit.downstream.config import GATES, ClassifierConfig  # noqa: E402
from embedkit.downstream.model import CELLS, SequenceClassifier  # noqa: E402


def packed_reference(rnn, x, lengths):
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    outputs, state = rnn(packed)
    h_n = state[0] if isinstance(state, tuple) else state
    return pad_packed_sequence(outputs, batch_first=True, total_length=x.shape[1])[0], h_n


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional,layers", [(False, 1), (True, 1), (True, 2), (False, 3)])
def test_run_equals_the_module_on_packed_sequences_with_its_gradients(cell, bidirectional, layers):
    torch.manual_seed(3)
    H, E, directions = 5, 7, 2 if bidirectional else 1
    rnn = CELLS[cell](E, H, num_layers=layers, batch_first=True, bidirectional=bidirectional).double()
    for p in rnn.parameters():  # biases away from 0, so that a missing or doubled bias shows
        nn.init.uniform_(p, -0.8, 0.8)
    lengths = torch.tensor([6, 1, 4, 6, 3])
    x = torch.randn(5, 6, E, dtype=torch.double)
    x[torch.arange(6)[None, :] >= lengths[:, None]] = 99.0  # padding must never be read
    x.requires_grad_(True)
    theirs, theirs_n = packed_reference(rnn, x, lengths)
    (theirs.square().sum() + theirs_n.sin().sum()).backward()
    expected = {name: p.grad.clone() for name, p in rnn.named_parameters()}
    expected_x = x.grad.clone()
    rnn.zero_grad()
    x.grad = None
    G = GATES[cell] * H
    gates = torch.cat([nn.functional.linear(x, getattr(rnn, f"weight_ih_l0{s}"))
                       for s in ["", "_reverse"][:directions]], 2)  # (B, T, D*G)
    assert gates.shape == (5, 6, directions * G)
    ours, ours_n = recurrence.run(rnn, gates, lengths)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours_n, theirs_n)
    (ours.square().sum() + ours_n.sin().sum()).backward()
    for name, p in rnn.named_parameters():
        torch.testing.assert_close(p.grad, expected[name], msg=name)
    torch.testing.assert_close(x.grad, expected_x)


def test_run_applies_the_dropout_between_layers_only_while_training():
    torch.manual_seed(0)
    rnn = nn.LSTM(3, 4, num_layers=2, batch_first=True, dropout=0.5)
    gates = torch.randn(2, 5, 16)
    lengths = torch.tensor([5, 2])
    a, _ = recurrence.run(rnn, gates, lengths, training=False)
    b, _ = recurrence.run(rnn, gates, lengths, training=False)
    c, _ = recurrence.run(rnn, gates, lengths, training=True)
    assert torch.equal(a, b) and not torch.allclose(a, c)


@pytest.mark.parametrize("pooling", ["last", "mean", "max", "attention"])
def test_the_onehot_model_gives_the_logits_of_its_torch_module(pooling):
    """The one-hot classifier (stepped without the identity blocks) equals its own nn.LSTM fed the lookup."""
    torch.manual_seed(2)
    config = ClassifierConfig(embeddings="onehot", hidden=6, bidirectional=True, pooling=pooling)
    model = SequenceClassifier(30, 3, config).eval()
    ids = torch.tensor([[4, 9, 2, 7], [5, 3, 0, 0], [8, 0, 0, 0]])
    lengths = torch.tensor([4, 2, 1])
    with torch.no_grad():
        ours = model(ids, lengths)
        onehot = model.onehot
        model.onehot = False  # the packed torch path on the same module and weights
        theirs = model(ids, lengths)
        model.onehot = onehot
    torch.testing.assert_close(ours, theirs)
