"""The recurrent classifier: it learns, padding never matters, frozen stays frozen, one-hot is exact."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from embedkit.downstream.config import ClassifierConfig
from embedkit.downstream.model import SequenceClassifier, count_parameters, onehot_parameter_count
from embedkit.downstream.classifier import TrainedClassifier
from embedkit.downstream.training import train_classifier
from embedkit.downstream.datasets import ClassificationData, LabelledTexts  # noqa: E402
from embedkit.errors import EmbedkitError  # noqa: E402
from embedkit.downstream.splits import cv_folds, split_data  # noqa: E402
from embedkit.downstream.tokenizer import sentence_tokens
from embedkit.vectors import Vectors  # noqa: E402

torch.set_num_threads(1)
FILLER = [f"w{i}" for i in range(20)]


def planted(n: int, seed: int, keyword=("bad", "good")) -> LabelledTexts:
    """Random filler words plus one keyword that decides the label, at a random position."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        tokens = list(rng.choice(FILLER, int(rng.integers(2, 10))))
        tokens.insert(int(rng.integers(0, len(tokens) + 1)), keyword[i % 2])
        texts.append(" ".join(tokens))
        labels.append(["neg", "pos"][i % 2])
    return LabelledTexts(texts, labels)


def planted_data(n_train=160) -> ClassificationData:
    return ClassificationData("planted", planted(n_train, 0), planted(40, 1), planted(60, 2), ["neg", "pos"], "")


def hand_vectors() -> Vectors:
    words = FILLER + ["good", "bad"]
    rng = np.random.default_rng(3)
    return Vectors(words, rng.normal(0, 0.5, (len(words), 8)).astype(np.float32))


def test_overfits_16_examples():
    train = planted(16, 5)
    data = ClassificationData("tiny", train, train, train, ["neg", "pos"], "")
    config = ClassifierConfig(cell="lstm", hidden=32, dropout=0.0, embed_dropout=0.0, lr=0.02, epochs=60,
                              patience=60, batch_size=16)
    trained = train_classifier(data, config, progress=False)
    assert trained.evaluate(train)["accuracy"] == 1.0
    assert trained.history[-1]["train_loss"] < trained.history[0]["train_loss"]


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_planted_keyword_learned_by_every_cell(cell):
    config = ClassifierConfig(cell=cell, hidden=24, lr=0.01, epochs=12, patience=12, batch_size=16,
                              pooling="max", dropout=0.1, embed_dropout=0.0)
    trained = train_classifier(planted_data(), config, progress=False)
    scores = trained.evaluate(trained.test)
    assert scores["accuracy"] >= 0.95, (cell, trained.history)
    assert trained.predict(["w1 w2 good w3", "w4 bad"]) == ["pos", "neg"]


@pytest.mark.parametrize("pooling,bidirectional,reverse", [
    *itertools.product(["last", "mean", "max", "attention"], [False, True], [False]),
    ("last", False, True), ("mean", False, True)])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
def test_padding_never_changes_logits(pooling, bidirectional, reverse, cell):
    torch.manual_seed(0)
    config = ClassifierConfig(cell=cell, hidden=8, dim=6, pooling=pooling, bidirectional=bidirectional,
                              reverse=reverse, layers=2)
    model = SequenceClassifier(30, 3, config).eval()
    lengths = torch.tensor([5, 2, 7, 1])
    ids = torch.zeros(4, 7, dtype=torch.int64)
    for i, n in enumerate(lengths.tolist()):
        ids[i, :n] = torch.randint(2, 30, (n,))
    with torch.no_grad():
        tight = model(ids, lengths)
        padded = model(torch.cat([ids, torch.zeros(4, 9, dtype=torch.int64)], 1), lengths)
        alone = torch.cat([model(ids[i:i + 1, :n], lengths[i:i + 1]) for i, n in enumerate(lengths.tolist())])
        # garbage (not pad ids) past the true length must not matter either
        junk = ids.clone()
        for i, n in enumerate(lengths.tolist()):
            junk[i, n:] = 7
        with_junk = model(junk, lengths)
    torch.testing.assert_close(padded, tight, rtol=0, atol=1e-5)
    torch.testing.assert_close(alone, tight, rtol=0, atol=1e-5)
    torch.testing.assert_close(with_junk, tight, rtol=0, atol=1e-5)


def test_attention_weights_zero_on_padding():
    config = ClassifierConfig(hidden=8, dim=6, pooling="attention", bidirectional=True)
    model = SequenceClassifier(30, 2, config).eval()
    ids = torch.tensor([[3, 4, 5, 0, 0], [6, 7, 8, 9, 10]])
    weights = model.attention_weights(ids, torch.tensor([3, 5]))
    assert weights.shape == (2, 5)
    assert torch.all(weights[0, 3:] == 0)
    torch.testing.assert_close(weights.sum(1), torch.ones(2))


def test_frozen_pretrained_embeddings_stay_bit_identical():
    vectors = hand_vectors()
    data = planted_data(60)
    frozen = train_classifier(data, ClassifierConfig(embeddings="x", freeze=True, epochs=3, hidden=8),
                              progress=False, vectors=vectors)
    before = torch.from_numpy(vectors.matrix[[vectors.index[w] for w in frozen.words[2:]]])
    after = frozen.model.embedding.weight.detach()
    assert torch.equal(after[2:], before)
    assert torch.equal(after[0], torch.zeros(8))
    assert frozen.coverage == {"found": len(frozen.words) - 2, "vocab": len(frozen.words) - 2, "fraction": 1.0}
    tuned = train_classifier(data, ClassifierConfig(embeddings="x", freeze=False, epochs=3, hidden=8),
                             progress=False, vectors=vectors)
    assert not torch.equal(tuned.model.embedding.weight.detach()[2:], before)


def test_missing_words_get_small_random_vectors_and_coverage():
    vectors = Vectors(["good", "bad", "w1"], np.eye(3, dtype=np.float32))
    trained = train_classifier(planted_data(40), ClassifierConfig(embeddings="x", freeze=True, epochs=1, hidden=4),
                               progress=False, vectors=vectors)
    cov = trained.coverage
    assert cov["found"] == 3 and cov["vocab"] == len(trained.words) - 2
    weights = trained.model.embedding.weight.detach()
    missing = [i for i, w in enumerate(trained.words) if i >= 2 and w not in vectors.index]
    assert weights[missing].abs().max() <= np.sqrt(3) * vectors.matrix.std() + 1e-6
    assert weights[missing].abs().max() > 0


@pytest.mark.parametrize("cell,bidirectional,layers,pooling", [
    ("rnn", False, 1, "last"), ("lstm", True, 1, "attention"), ("gru", True, 2, "mean"), ("lstm", False, 2, "max")])
def test_onehot_parameter_count_is_the_formula(cell, bidirectional, layers, pooling):
    config = ClassifierConfig(embeddings="onehot", cell=cell, hidden=7, bidirectional=bidirectional, layers=layers,
                              pooling=pooling)
    model = SequenceClassifier(53, 4, config)
    assert count_parameters(model) == onehot_parameter_count(53, 4, config)
    d, g = 2 if bidirectional else 1, {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    assert model.embedding.weight.shape == (53, d * g * 7)  # never 53 x 53


def test_onehot_lookup_equals_onehot_inputs_times_weights():
    """The lookup model gives the same RNN outputs as an LSTM fed real one-hot vectors."""
    torch.manual_seed(1)
    V, H = 12, 5
    model = SequenceClassifier(V, 2, ClassifierConfig(embeddings="onehot", hidden=H, bidirectional=True,
                                                      pooling="mean")).eval()
    reference = torch.nn.LSTM(V, H, batch_first=True, bidirectional=True)
    state = {k: v.clone() for k, v in model.rnn.state_dict().items()}
    lookup = model.embedding.weight.detach()  # (V, 2*4H)
    state["weight_ih_l0"] = lookup[:, :4 * H].T.clone()
    state["weight_ih_l0_reverse"] = lookup[:, 4 * H:].T.clone()
    reference.load_state_dict(state)
    ids = torch.tensor([[3, 5, 7, 2]])
    with torch.no_grad():
        ours, _ = model.rnn(model.embed(ids))
        theirs, _ = reference(torch.nn.functional.one_hot(ids, V).float())
    torch.testing.assert_close(ours, theirs)


def test_onehot_identity_blocks_stay_fixed_while_lookup_learns():
    data = planted_data(40)
    trained = train_classifier(data, ClassifierConfig(embeddings="onehot", hidden=4, epochs=2), progress=False)
    weight = trained.model.rnn.weight_ih_l0
    assert not weight.requires_grad and torch.equal(weight, torch.eye(16))
    assert trained.model.embedding.weight.requires_grad


@pytest.mark.parametrize("embeddings", ["onehot", "x"])
def test_save_load_round_trip(tmp_path, embeddings):
    data = planted_data(40)
    config = ClassifierConfig(embeddings=embeddings, hidden=6, epochs=2, pooling="attention", bidirectional=True)
    trained = train_classifier(data, config, progress=False, vectors=hand_vectors())
    trained.save(tmp_path / "model")
    loaded = TrainedClassifier.load(tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["config.json", "vocab.txt", "weights.pt"]
    assert loaded.words == trained.words and loaded.classes == trained.classes
    np.testing.assert_array_equal(loaded.predict_proba(data.test.texts), trained.predict_proba(data.test.texts))
    assert loaded.attention("w1 good w2")[1][0] == "good"
    assert not list(tmp_path.glob(".model*"))  # no temporary left behind


def test_load_rejects_non_model(tmp_path):
    (tmp_path / "m").mkdir()
    with pytest.raises(EmbedkitError, match="not a saved classifier"):
        TrainedClassifier.load(tmp_path / "m")


def test_bad_config_is_an_input_error():
    with pytest.raises(EmbedkitError, match="unknown cell"):
        train_classifier(planted_data(20), ClassifierConfig(cell="cnn"), progress=False)
    with pytest.raises(EmbedkitError, match="fixed by definition"):
        ClassifierConfig(embeddings="onehot", freeze=False).check()


def test_sentence_tokens_keep_clitics_and_punctuation():
    assert sentence_tokens("It doesn't work!") == ["it", "does", "n't", "work", "!"]
    assert sentence_tokens("wo n't sit still ... ?") == ["wo", "n't", "sit", "still", "...", "?"]
    assert sentence_tokens("the 21st century's \" conan \"") == ["the", "21st", "century", "'s", '"', "conan", '"']
    assert sentence_tokens("re-imagining") == ["re-imagining"]


def test_split_data_fixed_and_disjoint():
    full = planted(100, 9)
    data = ClassificationData("p", full, None, None, ["neg", "pos"], "")
    a, b = split_data(data), split_data(data)
    assert (len(a.train), len(a.dev), len(a.test)) == (80, 10, 10)
    assert a.test.texts == b.test.texts and a.dev.texts == b.dev.texts
    rows = a.train.texts + a.dev.texts + a.test.texts
    assert sorted(rows) == sorted(full.texts)
    trec_like = split_data(ClassificationData("t", full, None, planted(20, 4), ["neg", "pos"], ""))
    assert (len(trec_like.train), len(trec_like.dev), len(trec_like.test)) == (90, 10, 20)


def test_cv_folds_cover_everything_once():
    texts = planted(50, 9)
    distinct = LabelledTexts([f"{t} n{i}" for i, t in enumerate(texts.texts)], texts.labels)  # no two alike
    data = ClassificationData("p", distinct, None, None, ["neg", "pos"], "")
    folds = cv_folds(data, 5)
    tested = sorted(t for f in folds for t in f.test.texts)
    assert tested == sorted(data.train.texts)
    for f in folds:
        assert not set(f.test.texts) & set(f.train.texts + f.dev.texts)
        assert len(f.train) + len(f.dev) + len(f.test) == 50


def test_bow_baseline_learns_planted_task():
    from embedkit.downstream.bow import run_bow

    result = run_bow(planted_data())
    assert result["accuracy_mean"] >= 0.95 and result["accuracy_std"] == 0.0


def test_same_seed_same_model_other_seed_other_model():
    data = planted_data(40)
    runs = [train_classifier(data, ClassifierConfig(hidden=6, epochs=2, seed=s), progress=False) for s in (4, 4, 5)]
    probs = [r.predict_proba(data.test.texts) for r in runs]
    np.testing.assert_array_equal(probs[0], probs[1])
    assert not np.array_equal(probs[0], probs[2])


def test_run_seeds_reports_mean_and_spread():
    from embedkit.downstream.training import run_seeds

    result = run_seeds(planted_data(40), ClassifierConfig(hidden=6, epochs=2), seeds=(1, 2), progress=False)
    accuracies = [r["accuracy"] for r in result["runs"]]
    assert result["accuracy_mean"] == pytest.approx(np.mean(accuracies))
    assert result["accuracy_std"] == pytest.approx(np.std(accuracies, ddof=1))
    assert [r["seed"] for r in result["runs"]] == [1, 2] and result["parameters"] > 0


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_forget_bias_sets_the_keeping_gate_only(cell):
    """forget_bias initialises rows hidden..2*hidden (LSTM forget gate, GRU update gate) and nothing else."""
    from embedkit.downstream.config import ClassifierConfig
    from embedkit.downstream.model import SequenceClassifier

    torch.manual_seed(0)
    plain = SequenceClassifier(10, 2, ClassifierConfig(cell=cell, hidden=4, dim=3, bidirectional=True))
    torch.manual_seed(0)
    biased = SequenceClassifier(10, 2, ClassifierConfig(cell=cell, hidden=4, dim=3, bidirectional=True,
                                                        forget_bias=1.0))
    for (name, a), (_, b) in zip(plain.rnn.named_parameters(), biased.rnn.named_parameters()):
        if name.startswith("bias_ih"):
            assert torch.equal(b[4:8], torch.ones(4)) and torch.equal(a[:4], b[:4]) and torch.equal(a[8:], b[8:])
        elif name.startswith("bias_hh"):
            assert torch.equal(b[4:8], torch.zeros(4)) and torch.equal(a[:4], b[:4]) and torch.equal(a[8:], b[8:])
        else:
            assert torch.equal(a, b)


def test_resample_gives_fresh_training_data_every_epoch():
    """With `resample`, epoch e trains on resample(e). The first training split teaches 'bad' -> neg;
    the resampled ones, dev and test teach the opposite, so only a model that really trained on the
    resampled splits gets the test right."""
    swapped = ("good", "bad")
    data = ClassificationData("swapped", planted(40, 0), planted(40, 1, swapped), planted(60, 2, swapped),
                              ["neg", "pos"], "")
    calls = []

    def resample(epoch):
        calls.append(epoch)
        return planted(160, 100 + epoch, swapped)

    config = ClassifierConfig(cell="gru", hidden=24, lr=0.01, epochs=8, patience=8, batch_size=16, pooling="max",
                              dropout=0.1, embed_dropout=0.0)
    trained = train_classifier(data, config, progress=False, resample=resample)
    assert calls == list(range(2, 9))
    assert trained.evaluate(trained.test)["accuracy"] >= 0.95
    assert trained.predict(["w1 bad w2"]) == ["pos"]
    fixed = train_classifier(data, config, progress=False)  # without it: the first split's mapping
    assert fixed.evaluate(fixed.test)["accuracy"] <= 0.5


def test_fixed_memory_stays_fixed_and_forgets_at_its_rate():
    """memory=m fixes every recurrent matrix at m x I (not trained, not counted); two inputs that differ
    only in their first word give last states at most 2 m^(T-1) apart, though they differ after the first word."""
    data = planted_data(40)
    config = ClassifierConfig(cell="rnn", hidden=6, dim=4, epochs=2, memory=0.8, bidirectional=True)
    trained = train_classifier(data, config, progress=False)
    rnn = trained.model.rnn
    for suffix in ("", "_reverse"):
        weight = getattr(rnn, f"weight_hh_l0{suffix}")
        assert not weight.requires_grad and torch.equal(weight, 0.8 * torch.eye(6))
    learned = SequenceClassifier(10, 2, ClassifierConfig(cell="rnn", hidden=6, dim=4, bidirectional=True))
    assert count_parameters(learned) - count_parameters(SequenceClassifier(10, 2, config)) == 2 * 6 * 6
    torch.manual_seed(0)
    x = torch.randn(2, 20, 4) * 3
    x[1, 1:] = x[0, 1:]  # the same sequence but for its first word
    lengths = torch.tensor([20, 20])
    for memory, bound in ((0.8, 2 * 0.8 ** 19), (0.3, 2 * 0.3 ** 19)):
        model = SequenceClassifier(10, 2, ClassifierConfig(cell="rnn", hidden=6, dim=4, memory=memory)).eval()
        last, _ = model._encode(x, lengths)
        assert (last[0] - last[1]).abs().max().item() <= bound + 1e-6
        first, _ = model._encode(x[:, :1], torch.tensor([1, 1]))
        assert (first[0] - first[1]).abs().max().item() > 0.1  # the first word did make a difference


@pytest.mark.parametrize("changes, message", [({"cell": "lstm", "memory": 0.5}, "needs cell 'rnn'"),
                                              ({"cell": "rnn", "memory": 1.0}, "in \\[0, 1\\)")])
def test_fixed_memory_needs_a_simple_rnn_and_a_contraction(changes, message):
    with pytest.raises(EmbedkitError, match=message):
        ClassifierConfig(**changes).check()
