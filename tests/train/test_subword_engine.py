"""The subword engine: its block gradient, its determinism, and what n-grams give unseen words.

The kernels compile on first use (numba caches them); the problems are kept tiny.
"""

import threading

import numpy as np
import pytest

from embedkit.train import Corpus
from embedkit.train.engines import subword
from embedkit.train.engines.native_kernels import sigmoid_table
from embedkit.train.engines.subword_kernels import pair_steps, subword_block, train_piece
from embedkit.subwords import NgramSettings
from embedkit.train import SkipGramConfig
from embedkit.train.prepare import prepare

FINE = sigmoid_table(4_000_000)  # sigmoid to within 2e-6: the update is then the exact gradient


def pair_weights(contexts, negatives):
    """The targets and weights of a block: each negative weighs the pairs that count it as noise."""
    kept = [n for n in negatives if sum(c != n for c in contexts) > 0]
    targets = list(contexts) + kept
    weights = [1.0] * len(contexts) + [float(sum(c != n for c in contexts)) for n in kept]
    return np.array(targets, np.int32), np.array(weights, np.float32)


def block_loss(w_in, w_out, rows, contexts, negatives):
    """The sum over pairs (center, c) of -log sigmoid(h . u_c) - sum_{n != c} log sigmoid(-h . u_n),
    h the mean of the center word's rows; float64."""
    h = w_in[rows].mean(axis=0)
    loss = 0.0
    for c in contexts:
        loss += np.logaddexp(0.0, -h @ w_out[c])
        loss += sum(np.logaddexp(0.0, h @ w_out[n]) for n in negatives if n != c)
    return float(loss)


def numerical_gradient(w_in, w_out, rows, contexts, negatives, eps=1e-6):
    grads = []
    for matrix in (w_in, w_out):
        grad = np.zeros_like(matrix)
        for index in np.ndindex(*matrix.shape):
            saved = matrix[index]
            matrix[index] = saved + eps
            up = block_loss(w_in, w_out, rows, contexts, negatives)
            matrix[index] = saved - eps
            down = block_loss(w_in, w_out, rows, contexts, negatives)
            matrix[index] = saved
            grad[index] = (up - down) / (2 * eps)
        grads.append(grad)
    return grads


def run_block(w_in, w_out, rows, contexts, negatives, lr, normalize, table=FINE):
    targets, weights = pair_weights(contexts, negatives)
    rows = np.array(rows, np.int32)
    dim = w_in.shape[1]
    subword_block(w_in, w_out, rows, 0, len(rows), targets, len(contexts), len(targets), weights,
                  np.float32(lr), normalize, table, np.empty(dim, np.float32), np.empty(dim, np.float32))


@pytest.mark.parametrize("rows, contexts, negatives", [
    ([0, 5, 7, 5], [1, 2, 1], [3, 1, 4]),  # an n-gram row twice, a context twice, a negative = a context
    ([2, 6, 8], [3, 0], [4, 5, 0, 4, 1]),  # odd sizes, a negative drawn twice
    ([3], [0], []),                        # a word without n-grams, no negatives left
    ([1, 6], [2, 2], [2]),                 # a negative equal to every context: dropped
])
def test_subword_block_is_a_gradient_step_on_the_block_loss(rows, contexts, negatives):
    """With lr = 1 and normalize the kernel's update is minus the loss gradient (central finite
    differences, float64); fastText's rule gives each input row n times its gradient."""
    rng = np.random.default_rng(0)
    w_in = rng.normal(0, 0.6, (9, 5)).astype(np.float32)
    w_out = rng.normal(0, 0.6, (6, 5)).astype(np.float32)
    grad_in, grad_out = numerical_gradient(w_in.astype(np.float64), w_out.astype(np.float64), rows, contexts,
                                           negatives)
    for normalize, spread in ((True, 1.0), (False, float(len(rows)))):
        new_in, new_out = w_in.copy(), w_out.copy()
        run_block(new_in, new_out, rows, contexts, negatives, 1.0, normalize)
        np.testing.assert_allclose(new_in - w_in, -spread * grad_in, atol=2e-5 * spread)
        np.testing.assert_allclose(new_out - w_out, -grad_out, atol=2e-5)
    untouched = np.setdiff1d(np.arange(9), rows)
    assert np.abs(grad_in).max() > 0.02 and np.all(new_in[untouched] == w_in[untouched])


def pair_loss(w_in, w_out, rows, context, negatives):
    """-log sigmoid(h . u_c) - sum_{n != c} log sigmoid(-h . u_n), h the mean of the rows; float64."""
    return block_loss(w_in, w_out, rows, [context], negatives)


def run_pairs(w_in, w_out, rows, contexts, negatives, lr, normalize, table=FINE):
    """negatives: one list of the same length per context."""
    targets = np.array(list(contexts) + [n for row in negatives for n in row], np.int32)
    rows = np.array(rows, np.int32)
    dim = w_in.shape[1]
    pair_steps(w_in, w_out, rows, 0, len(rows), targets, len(contexts), len(negatives[0]), np.float32(lr),
               normalize, table, *(np.empty(dim, np.float32) for _ in range(3)))


@pytest.mark.parametrize("rows, context, negatives", [
    ([0, 5, 7, 5], 1, [3, 1, 4]),          # an n-gram row twice, a negative equal to the context
    ([2, 6, 8], 3, [4, 5, 0, 2, 1]),       # (a noise word drawn twice sees its first update, as in fastText)
    ([3], 0, [2]),
])
def test_a_pair_step_is_a_gradient_step_on_the_pair_loss(rows, context, negatives):
    rng = np.random.default_rng(2)
    w_in = rng.normal(0, 0.6, (9, 5)).astype(np.float32)
    w_out = rng.normal(0, 0.6, (6, 5)).astype(np.float32)
    grad_in, grad_out = numerical_gradient(w_in.astype(np.float64), w_out.astype(np.float64), rows, [context],
                                           negatives)
    for normalize, spread in ((True, 1.0), (False, float(len(rows)))):
        new_in, new_out = w_in.copy(), w_out.copy()
        run_pairs(new_in, new_out, rows, [context], [negatives], 1.0, normalize)
        np.testing.assert_allclose(new_in - w_in, -spread * grad_in, atol=2e-5 * spread)
        np.testing.assert_allclose(new_out - w_out, -grad_out, atol=2e-5)
    assert np.abs(grad_in).max() > 0.02


@pytest.mark.parametrize("normalize", [False, True])
def test_pair_steps_equal_one_update_of_the_rows_per_pair(normalize):
    """Moving h in scratch and writing the rows once is fastText's per-pair update of the rows."""
    rng = np.random.default_rng(3)
    w_in = rng.normal(0, 0.6, (9, 6)).astype(np.float32)
    w_out = rng.normal(0, 0.6, (6, 6)).astype(np.float32)
    rows, contexts, negatives = [0, 6, 7, 8], [1, 2, 1, 5], [[3, 4], [2, 0], [4, 4], [1, 3]]
    at_once_in, at_once_out = w_in.copy(), w_out.copy()
    run_pairs(at_once_in, at_once_out, rows, contexts, negatives, 0.5, normalize)
    for context, noise in zip(contexts, negatives):
        run_pairs(w_in, w_out, rows, [context], [noise], 0.5, normalize)
    np.testing.assert_allclose(at_once_in, w_in, atol=1e-6)
    np.testing.assert_allclose(at_once_out, w_out, atol=1e-6)


def test_small_steps_lower_the_block_loss():
    rng = np.random.default_rng(1)
    w_in = rng.normal(0, 0.5, (8, 8)).astype(np.float32)
    w_out = rng.normal(0, 0.5, (6, 8)).astype(np.float32)
    rows, contexts, negatives = [0, 4, 5, 6], [1, 2], [3, 4]
    before = block_loss(w_in, w_out, rows, contexts, negatives)
    for _ in range(20):
        run_block(w_in, w_out, rows, contexts, negatives, 0.05, False, sigmoid_table())
    assert block_loss(w_in, w_out, rows, contexts, negatives) < 0.8 * before


class RecordingMonitor:
    def __init__(self):
        self.calls = []
        self.engine_info = {}

    def say(self, line):
        self.calls.append(("say", line))

    def start(self, model, w_out):
        self.calls.append(("start", model.word_vectors().shape))

    def progress(self, epoch, words):
        self.calls.append(("progress", epoch, words))

    def end_epoch(self, epoch, model, w_out):
        self.calls.append(("end", epoch, model.word_vectors().shape))


SMALL = dict(vector_size=16, window=3, min_count=1, sample=0, negative=4, epochs=2, workers=1, seed=5)


def train(path, tmp_path, ngrams=NgramSettings(3, 5, 100_000), shared_negatives=False, **options):
    config = SkipGramConfig(**dict(SMALL, **options))
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    prepared = prepare(Corpus(path), config, folder)
    monitor = RecordingMonitor()
    model, w_out = subword.train(prepared, config, monitor, ngrams, shared_negatives=shared_negatives)
    return prepared, monitor, model, w_out


@pytest.mark.parametrize("shared", [False, True])
def test_one_worker_and_a_seed_give_identical_vectors(planted_file, tmp_path, shared):
    path, _ = planted_file
    _, _, first, out_first = train(path, tmp_path, shared_negatives=shared)
    _, _, again, out_again = train(path, tmp_path, shared_negatives=shared)
    _, _, other, _ = train(path, tmp_path, seed=6, shared_negatives=shared)
    assert np.array_equal(first.input_matrix, again.input_matrix) and np.array_equal(out_first, out_again)
    assert np.array_equal(first.buckets, again.buckets)
    assert not np.array_equal(first.input_matrix, other.input_matrix)


def test_engine_reports_progress_and_trains_only_the_buckets_its_words_use(planted_file, tmp_path, monkeypatch):
    from embedkit.train.engines import native

    monkeypatch.setattr(native, "PIECE_WORDS", 500)
    path, groups = planted_file
    prepared, monitor, model, w_out = train(path, tmp_path, epochs=3, workers=2)
    vocab = len(prepared.vocab)
    kinds = [c[0] for c in monitor.calls if c[0] != "say"]
    assert kinds[0] == "start" and [c[1] for c in monitor.calls if c[0] == "end"] == [0, 1, 2]
    assert {c[-1] for c in monitor.calls if c[0] in ("start", "end")} == {(vocab, 16)}  # composed vectors
    for epoch in range(3):
        words = [c[2] for c in monitor.calls if c[0] == "progress" and c[1] == epoch]
        assert words == sorted(words) and words[-1] == prepared.total_words
    rows = model.rows
    assert model.input_matrix.shape == (vocab + model.buckets.size, 16) and model.buckets.size < 2_000
    assert model.input_matrix.dtype == w_out.dtype == np.float32 and w_out.shape == (vocab, 16)
    assert rows.rows.max() == model.input_matrix.shape[0] - 1
    assert {"compile_seconds", "encode_seconds", "ngram_rows"} <= set(monitor.engine_info)
    assert len(train_piece.signatures) == 1  # the warm-up compiled exactly what training ran
    assert not [t for t in threading.enumerate() if t.name.startswith("embedkit-native")]


@pytest.mark.parametrize("exponent", [0.5, 0.75, 0.0])
def test_the_noise_words_are_drawn_by_counts_to_the_exponent(planted_file, tmp_path, monkeypatch, exponent):
    """Training's noise table and the loss sample's noise words both follow config.ns_exponent."""
    from embedkit.train.engines import native_kernels

    tables, real = [], native_kernels.alias_table
    monkeypatch.setattr(native_kernels, "alias_table", lambda p: tables.append(np.array(p)) or real(p))
    path, _ = planted_file
    prepared, _, _, _ = train(path, tmp_path, ns_exponent=exponent)
    weights = prepared.vocab.counts.astype(np.float64) ** exponent
    np.testing.assert_allclose(tables[-1], weights / weights.sum(), rtol=1e-12)  # [-1]: compile's warm-up first
    assert len(tables) == 2


@pytest.mark.parametrize("exponent, word", [(40.0, 0), (-40.0, 2)])
def test_the_loss_sample_draws_its_noise_words_by_the_exponent(exponent, word):
    from embedkit.train.prepare import draw_loss_sample
    from embedkit.train.vocab import Vocab

    vocab = Vocab(["a", "b", "c"], [100, 10, 1])
    config = SkipGramConfig(sample=0, negative=3, window=2, ns_exponent=exponent)
    sample = draw_loss_sample([["a", "b", "c", "a", "b", "a"]] * 4, vocab, config, np.random.default_rng(0))
    assert sample.negatives.shape == (len(sample), 3) and len(sample) > 10
    assert np.all(sample.negatives == word)  # counts ** 40: only the most frequent word; ** -40: the rarest


def morphology_corpus(path, held_out_every=2, seed=0):
    """Topics of two stems each (no letters in common), every stem with six suffixed forms.

    A sentence is about one stem: 7 of its 10 words are forms of that stem, 3 forms of the other
    stem of its topic. A stem's forms share n-grams only with each other, and contexts mostly with
    each other, partly with the other stem's forms. For every `held_out_every`-th stem one form
    never occurs. Returns {stem: (topic, seen forms, held-out form or None)}.
    """
    rng = np.random.default_rng(seed)
    suffixes = ["", "s", "ed", "ing", "er", "ly"]
    halves = ("bcdfghjkaeo", "lmnpqrstvwxziuy")
    stems = {}
    for topic in range(10):
        for half in halves:
            while (stem := "".join(rng.choice(list(half), 5))) in stems:
                pass
            held = None
            if len(stems) % held_out_every == 0:
                held = stem + suffixes[1 + len(stems) % 5]
            stems[stem] = (topic, [stem + x for x in suffixes if stem + x != held], held)
    names = list(stems)
    lines = []
    for s in range(4000):
        own, partner = names[s % 20], names[(s % 20) ^ 1]
        words = [rng.choice(stems[own if rng.random() < 0.7 else partner][1]) for _ in range(10)]
        lines.append(" ".join(words))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stems


def unit(matrix):
    return matrix / np.linalg.norm(matrix, axis=-1, keepdims=True)


@pytest.mark.parametrize("shared", [False, True])
def test_an_unseen_form_is_nearest_its_stems_family(tmp_path, shared):
    """Held-out forms get their vectors from n-grams alone: their nearest words are the stem's
    other forms, and training (not spelling) puts them near the topic's other stem."""
    path = tmp_path / "morphology.txt"
    stems = morphology_corpus(path)
    prepared, _, model, _ = train(path, tmp_path, ngrams=NgramSettings(3, 6, 2_000_000), shared_negatives=shared,
                                  vector_size=32, epochs=5, window=3, negative=5, alpha=0.05)
    words = model.words
    vectors = unit(model.word_vectors())
    held = [(stem, topic, forms, form) for stem, (topic, forms, form) in stems.items() if form]
    assert len(held) == 10 and not any(form in prepared.vocab for *_, form in held)
    for stem, topic, forms, form in held:
        assert model.is_composed(form)
        scores = vectors @ unit(model.vector(form))
        nearest = [words[i] for i in np.argsort(-scores)[:len(forms)]]
        assert set(nearest) == set(forms), (form, nearest)
        partner = [f for s, (t, fs, _) in stems.items() if t == topic and s != stem for f in fs]
        others = [f for s, (t, fs, _) in stems.items() if t != topic for f in fs]
        score = dict(zip(words, scores))
        assert np.mean([score[f] for f in partner]) > np.mean([score[f] for f in others]) + 0.2, form
