"""`embedkit convert` and `info`: vector files in every format."""

from __future__ import annotations


import click

from .options import echo_json, file_options, format_option, read_options, vectors_help



@click.command()
@click.argument("source", metavar="IN")
@click.argument("target", metavar="OUT")
@format_option
@read_options
def convert(source, target, fmt, source_format, trust_pickle, unicode_errors, allow_nonfinite):
    """Convert word vectors IN to OUT, any format to any format.

    IN may be plain, .gz, .bz2, .xz, a .zip holding one file, ARCHIVE.zip:MEMBER, or the name
    of a pretrained set (glove-6b-50d). Nothing is written unless the whole conversion succeeds.
    Vectors with subwords (fastText's .bin, or trained with --subwords) keep their n-grams in .ekv
    and .bin (fastText's layout); .vec and the other text formats hold the vocabulary's vectors only.

    Example: embedkit convert cc.en.300.bin cc.en.300.ekv
    """
    from .. import io

    io.check_output(target, fmt)
    vectors = io.resolve(source, source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors,
                         allow_nonfinite=allow_nonfinite)
    out = io.save(vectors, target, fmt)
    written = io.output_format(out, fmt, subwords=getattr(vectors, "subwords", None) is not None)[0]
    click.echo(f"{out}: {len(vectors):,} words x {vectors.dim} dims ({written})")


@click.command(short_help="Summarise word vectors: size, format, norms, training.")
@click.argument("path", metavar="VECTORS")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@file_options
@vectors_help
def info(path, as_json, source_format, trust_pickle, unicode_errors):
    """Summarise word vectors: words, dims, format, counts, norms, training config.

    {VECTORS} Reads the file as it is: vectors holding NaN or infinity, which other commands refuse (or
    read as zeros with --allow-nonfinite), are counted and the first is named. JSON output
    writes a NaN or infinity in the stored metadata (a NaN loss) as null.

    \b
    Example:
        embedkit info vectors.ekv --json
        embedkit info glove-6b-50d
    """
    from .. import io

    summary = io.info(path, fmt=source_format, trust_pickle=trust_pickle, unicode_errors=unicode_errors)
    if as_json:
        echo_json(summary)
        return
    norms = summary["norms"]
    rows = [
        ("format", summary["format"]),
        ("words", f"{summary['words']:,}"),
        ("dimensions", summary["dim"]),
        ("storage", "sparse float32" if summary["sparse"] else "dense float32"),
        ("counts", "known" if summary["counts_known"] else "unknown"),
        ("norms", "-" if norms is None else
         f"min {norms['min']:.4g}, mean {norms['mean']:.4g}, max {norms['max']:.4g}"),
        ("zero vectors", summary["zero_vectors"]),
        ("file size", _file_size(summary["file_bytes"])),
    ]
    if summary["non_finite_vectors"]:
        first = summary["first_non_finite"]
        where = f"line {first['line']}" if first["line"] is not None else f"row {first['row']}"
        rows.append(("NaN/inf vectors", f"{summary['non_finite_vectors']:,} (the first: "
                                        f"{first['word']!r}, {where}); other commands refuse "
                                        "them, or read them as zeros with --allow-nonfinite"))
    if summary["subwords"]:
        s = summary["subwords"]
        rows.append(("subwords", f"character {s['min_n']}-{s['max_n']}-grams, {s['ngram_rows']:,} rows of "
                                 f"{s['bucket']:,} buckets: unseen words get composed vectors"))
    if summary["training"]:
        rows.append(("training", ", ".join(f"{k}={v}" for k, v in summary["training"].items())
                     if isinstance(summary["training"], dict) else summary["training"]))
    meta = summary["meta"]
    if meta.get("trained_with"):
        status = "complete" if meta.get("complete", True) else "checkpoint, incomplete"
        rows.append(("trained", f"{meta['trained_with']}, engine {meta.get('engine')}, "
                                f"{meta.get('epochs_completed')} epochs ({status}) on "
                                f"{meta.get('corpus_words', 0):,} words of {meta.get('corpus')}"))
    if meta.get("epoch_loss"):
        losses = ", ".join(f"{x:.4f}" for x in meta["epoch_loss"])
        rows.append(("epoch loss", f"{losses}  (initial {meta.get('initial_loss', float('nan')):.4f})"))
    if meta.get("words_per_second"):
        rows.append(("speed", f"{meta['words_per_second']:,} words/s over {meta.get('train_seconds')} s"))
    rows.append(("first words", " ".join(summary["first_words"])))
    click.echo(summary["path"])
    for label, value in rows:
        click.echo(f"  {label:<13} {value}")


def _file_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000


COMMANDS = [convert, info]
