import numpy as np
import pytest

from embedkit.train import ENGINES
from embedkit.train.prepare import LossSample
from embedkit.train import SkipGramConfig, TrainingInterrupted, train_skipgram
from embedkit.train.monitor import negative_sampling_loss
from embedkit.errors import EmbedkitError

# The engines that train from the corpus pass here; the Spark engine has its own tests (test_spark.py).
LOCAL_ENGINES = sorted(set(ENGINES) - {"spark"})
SMALL = dict(vector_size=24, window=3, min_count=1, sample=0, negative=5, epochs=8, workers=1, seed=3)


def nearest(vectors, word, k):
    unit = vectors.unit
    scores = unit @ unit[vectors.row(word)]
    scores[vectors.row(word)] = -np.inf
    return [vectors.words[i] for i in np.argsort(-scores)[:k]]


@pytest.mark.parametrize("engine", LOCAL_ENGINES)
def test_planted_groups_are_recovered(planted, engine):
    sentences, groups = planted
    vectors = train_skipgram(sentences, SkipGramConfig(engine=engine, **SMALL), progress=False)
    for group in groups:
        for word in group:
            assert set(nearest(vectors, word, len(group) - 1)) == set(group) - {word}


@pytest.mark.parametrize("engine", LOCAL_ENGINES)
def test_loss_falls_and_is_recorded(planted, engine):
    sentences, _ = planted
    vectors = train_skipgram(sentences, SkipGramConfig(engine=engine, **SMALL), progress=False)
    losses = vectors.meta["epoch_loss"]
    assert len(losses) == SMALL["epochs"]
    # initial: output vectors are zero -> every counted term is log 2; a negative that equals
    # the output word (about 1 in 24 here) is not counted
    k = SMALL["negative"]
    assert (1 + 0.8 * k) * np.log(2) < vectors.meta["initial_loss"] <= (1 + k) * np.log(2) + 1e-9
    assert losses[-1] < losses[0] < vectors.meta["initial_loss"]


@pytest.mark.parametrize("engine", LOCAL_ENGINES)
def test_same_seed_one_worker_gives_identical_vectors(planted_file, engine):
    path, _ = planted_file
    config = SkipGramConfig(engine=engine, **dict(SMALL, epochs=2))
    first = train_skipgram(path, config, progress=False)
    second = train_skipgram(path, config, progress=False)
    assert first.words == second.words
    assert np.array_equal(first.matrix, second.matrix)
    third = train_skipgram(path, SkipGramConfig(engine=engine, **dict(SMALL, epochs=2, seed=4)), progress=False)
    assert not np.array_equal(first.matrix, third.matrix)


def test_loss_formula_on_hand_example():
    w_in = np.array([[1.0, 0.0], [0.0, 2.0]], dtype=np.float32)
    w_out = np.array([[0.5, 0.0], [0.0, -1.0]], dtype=np.float32)
    sample = LossSample(inputs=np.array([0]), outputs=np.array([0]), negatives=np.array([[1, 0]]))
    # positive: v0.u0 = 0.5; negative word 1: v0.u1 = 0; negative word 0 equals the output: skipped
    expected = -np.log(1 / (1 + np.exp(-0.5))) - np.log(1 / (1 + np.exp(0.0)))
    assert negative_sampling_loss(w_in, w_out, sample) == pytest.approx(expected, abs=1e-12)


def test_meta_records_config_and_counts(planted):
    sentences, groups = planted
    vectors = train_skipgram(sentences, SkipGramConfig(**dict(SMALL, epochs=1)), progress=False)
    assert vectors.meta["config"]["vector_size"] == 24
    assert vectors.meta["corpus_words"] == sum(len(s) for s in sentences)
    assert vectors.counts.sum() == sum(len(s) for s in sentences)
    assert list(vectors.counts) == sorted(vectors.counts, reverse=True)
    assert vectors.matrix.dtype == np.float32 and vectors.shape == (24, 24)


def test_progress_bar_and_loss_lines_on_the_stream(planted):
    import io as stdio

    sentences, _ = planted
    stream = stdio.StringIO()
    train_skipgram(sentences, SkipGramConfig(**dict(SMALL, epochs=2)), stream=stream)
    text = stream.getvalue()
    assert "epoch 1/2: loss" in text and "epoch 2/2: loss" in text and "words/s" in text
    assert "lr=" in text


def test_bad_configs_are_clear_errors(planted):
    sentences, _ = planted
    with pytest.raises(EmbedkitError, match="window must be at least 1"):
        train_skipgram(sentences, SkipGramConfig(window=0), progress=False)
    with pytest.raises(EmbedkitError, match="unknown engine"):
        train_skipgram(sentences, SkipGramConfig(engine="nope"), progress=False)
    with pytest.raises(EmbedkitError, match="min-count"):
        train_skipgram([["a", "b"]], SkipGramConfig(min_count=5), progress=False)
    with pytest.raises(EmbedkitError, match="no words"):
        train_skipgram([[]], SkipGramConfig(), progress=False)


def test_interrupt_keeps_last_checkpoint(planted, tmp_path, monkeypatch):
    """Ctrl-C in epoch 3 with checkpoints every epoch: the output holds epoch 2, complete=False."""
    from embedkit import io
    from embedkit import train as train_module

    default = SkipGramConfig().engine
    real = ENGINES[default]

    def interrupted_engine(prepared, config, monitor):
        original_end = monitor.end_epoch

        def end_epoch(epoch, w_in, w_out):
            if epoch == 2:
                raise KeyboardInterrupt
            original_end(epoch, w_in, w_out)
        monitor.end_epoch = end_epoch
        return real(prepared, config, monitor)

    monkeypatch.setitem(train_module.ENGINES, default, interrupted_engine)
    sentences, _ = planted
    out = tmp_path / "v.ekv"
    with pytest.raises(TrainingInterrupted) as stop:
        train_skipgram(sentences, SkipGramConfig(**dict(SMALL, epochs=5)), progress=False,
                       checkpoint=out, checkpoint_every=1)
    assert stop.value.checkpoint_epoch == 2 and "epoch 2" in str(stop.value)
    saved = io.load(out)
    assert saved.meta["epochs_completed"] == 2 and saved.meta["complete"] is False
    assert [p.name for p in tmp_path.iterdir()] == ["v.ekv"]  # no temporary leftovers


def test_interrupt_without_checkpoint_writes_nothing(planted, tmp_path, monkeypatch):
    from embedkit import train as train_module

    def engine(prepared, config, monitor):
        raise KeyboardInterrupt

    monkeypatch.setitem(train_module.ENGINES, SkipGramConfig().engine, engine)
    with pytest.raises(TrainingInterrupted, match="nothing was written"):
        train_skipgram(planted[0], SkipGramConfig(**SMALL), progress=False)
