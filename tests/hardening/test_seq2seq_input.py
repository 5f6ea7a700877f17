"""Bad input to `experiment seq2seq` and to `explain` on saved encoder-decoders: one line, the file named."""

from __future__ import annotations

import json

import pytest

from .conftest import bad_input, snapshot, unchanged


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    import torch

    from embedkit.downstream.seq2seq import Seq2SeqConfig
    from embedkit.downstream.translator import train_seq2seq
    from embedkit.experiments.synthetic import reversal_task

    torch.set_num_threads(1)
    task = reversal_task(30, max_len=5, vocab=6, seed=1)
    trained = train_seq2seq(task, task, Seq2SeqConfig(dim=4, hidden=4, epochs=1))
    folder = tmp_path_factory.mktemp("s2s") / "rev.model"
    trained.save(folder)
    return folder


def _copy(saved, tmp_path):
    import shutil

    target = tmp_path / "m.model"
    shutil.copytree(saved, target)
    return target


def test_damaged_weights(saved, tmp_path):
    model = _copy(saved, tmp_path)
    (model / "weights.pt").write_bytes(b"PK\x03\x04 not a zip at all")
    assert bad_input("explain", model, "s1 s2") == (
        f"Error: {model / 'weights.pt'}: not a state dict of tensors; embedkit reads only tensors from it, "
        "never pickled objects")


def test_weights_that_do_not_fit_the_vocabulary(saved, tmp_path):
    model = _copy(saved, tmp_path)
    words = (model / "source.txt").read_text().splitlines()
    (model / "source.txt").write_text("\n".join(words + ["extra"]) + "\n")
    error = bad_input("explain", model, "s1 s2", names=[model / "weights.pt"])
    assert "does not fit config.json, source.txt and target.txt (source_embedding.weight)" in error


def test_a_vocabulary_without_the_special_tokens(saved, tmp_path):
    model = _copy(saved, tmp_path)
    (model / "target.txt").write_text("a\nb\n")
    assert bad_input("explain", model, "s1") == (
        f"Error: {model / 'target.txt'}: a saved vocabulary starts with <pad> <unk> <s> </s>")


def test_a_missing_file(saved, tmp_path):
    model = _copy(saved, tmp_path)
    (model / "source.txt").unlink()
    bad_input("explain", model, "s1", names=[model / "source.txt"], contains=["missing"])


def test_a_config_that_is_not_an_encoder_decoder(saved, tmp_path):
    model = _copy(saved, tmp_path)
    meta = json.loads((model / "config.json").read_text())
    meta["config"]["attention"] = "telepathy"
    (model / "config.json").write_text(json.dumps(meta))
    assert bad_input("explain", model, "s1") == (
        f"Error: {model / 'config.json'}: its config does not describe an encoder-decoder (unknown attention "
        "'telepathy'; choose one of none, additive, dot)")


@pytest.mark.parametrize("args, message", [
    (["--tasks", "reversal,chess"], "--tasks takes a comma-separated list of reversal, pair; got 'reversal,chess'"),
    (["--attention", "none,cosine"], "--attention takes a comma-separated list of none, additive, dot; got "
                                     "'none,cosine'"),
    (["--tasks", " , "], "--tasks takes a comma-separated list of reversal, pair; got ' , '"),
    (["--cell", "rnn"], "Invalid value for '--cell'"),
])
def test_experiment_options(tmp_cwd, args, message):
    before = snapshot(tmp_cwd)
    error = bad_input("experiment", "seq2seq", "--quick", "-o", "out", *args)
    assert message in error
    unchanged(tmp_cwd, before)


def test_save_over_a_file_is_refused_before_training(tmp_cwd):
    (tmp_cwd / "models").write_text("my notes")
    before = snapshot(tmp_cwd)
    bad_input("experiment", "seq2seq", "--quick", "--save", "models", "-o", "out", names=["models"])
    unchanged(tmp_cwd, before)
