"""A corpus too small to learn from trains, with one warning that says so and what to do."""

from __future__ import annotations

from click.testing import CliRunner

from embedkit.cli import main


def train(tmp_path, text: str, *options):
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    return CliRunner().invoke(main, ["train", str(tmp_path / "c.txt"), "-o", str(tmp_path / "v.ekv"), "-q",
                                     "--epochs", "1", *options])


def warnings_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Warning:")]


def test_three_words_and_two_pairs_get_a_warning(tmp_path):
    result = train(tmp_path, "a b c\n", "--min-count", "1", "--sample", "0", "--window", "1")
    assert result.exit_code == 0, result.output
    assert warnings_of(result) == [
        f"Warning: {tmp_path / 'c.txt'}: a degenerate corpus, 3 words kept (min-count 1) and 4 sampled pairs; "
        "vectors trained on it mean little; use a larger corpus"]
    assert (tmp_path / "v.ekv").is_dir()  # trained all the same


def test_subsampling_that_leaves_no_pair_is_named(tmp_path):
    result = train(tmp_path, "a b c\na b c\n", "--min-count", "1")
    assert warnings_of(result) == [
        f"Warning: {tmp_path / 'c.txt'}: a degenerate corpus, 3 words kept (min-count 1) and 0 sampled pairs; "
        "vectors trained on it mean little; the loss is not defined without pairs (nan); use a larger corpus, "
        "or --sample 0 (subsampling at 0.001 drops most pairs of a small corpus)"]


def test_a_real_small_corpus_gets_no_warning(tmp_path):
    words = [f"w{i}" for i in range(40)]
    text = "\n".join(" ".join(words[(i * 7 + j * 3) % 40] for j in range(12)) for i in range(800)) + "\n"
    result = train(tmp_path, text, "--min-count", "1")
    assert result.exit_code == 0 and warnings_of(result) == []
