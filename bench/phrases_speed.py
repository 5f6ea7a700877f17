"""Phrase detection: embedkit.train.phrases vs gensim's Phrases on the shared corpus, equal output checked.

Decompresses parts of the shared Wikipedia corpus (one sentence per line) into a temp folder,
then runs each side in its own process (so that its peak memory is its own), `--passes` times:

  embedkit  PhraseModel.learn_file (count), transform_file (find and write)  [phrase_file]
  gensim    Phrases(LineSentence(...)) (count), freeze() (export the phrases), then
            frozen[LineSentence(...)] written one sentence per line (find and write);
            with --gensim-apply phrases, Phrases[...] instead of freezing

with the same settings (default: gensim's min_count 5, threshold 10, default scoring, English
connector words). Pass k > 1 reads pass k - 1's output. The outputs of the last pass are
compared byte for byte. CPU seconds are the process's (user + system), peak memory its maximum
resident set.

    python bench/phrases_speed.py --parts 7
    python bench/phrases_speed.py --parts 2 --passes 2 --scoring npmi --threshold 0.5
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"


def settings(args) -> dict:
    return dict(min_count=args.min_count, threshold=args.threshold, scoring=args.scoring)


def run_embedkit(args, source: Path, out: Path) -> dict:
    from embedkit.train.phrases import ENGLISH_CONNECTOR_WORDS, PhraseModel

    connectors = ENGLISH_CONNECTOR_WORDS if args.connectors == "english" else frozenset()
    times = {"count": 0.0, "apply": 0.0}
    current, phrases = source, 0
    for number in range(args.passes):
        target = out if number == args.passes - 1 else out.with_suffix(f".pass{number + 1}")
        started = time.process_time()
        model = PhraseModel(connector_words=connectors, frozen=args.gensim_apply == "frozen",
                            **settings(args)).learn_file(current)
        times["count"] += time.process_time() - started
        started = time.process_time()
        with open(target, "wb") as stream:
            model.transform_file(current, stream)
        times["apply"] += time.process_time() - started
        phrases = len(model.export_phrases())
        current = target
    return {**times, "phrases": phrases, "top": [(p.phrase, p.count, round(p.score, 1)) for p in model.top(5)]}


def run_gensim(args, source: Path, out: Path) -> dict:
    from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases
    from gensim.models.word2vec import LineSentence

    connectors = ENGLISH_CONNECTOR_WORDS if args.connectors == "english" else frozenset()
    times = {"count": 0.0, "freeze": 0.0, "apply": 0.0}
    current, phrases = source, 0
    for number in range(args.passes):
        target = out if number == args.passes - 1 else out.with_suffix(f".pass{number + 1}")
        started = time.process_time()
        model = Phrases(LineSentence(str(current), max_sentence_length=10 ** 9), connector_words=connectors,
                        **settings(args))
        times["count"] += time.process_time() - started
        started = time.process_time()
        if args.gensim_apply == "frozen":
            model = model.freeze()
            phrases = len(model.phrasegrams)
        else:
            phrases = len(model.export_phrases())
        times["freeze"] += time.process_time() - started
        started = time.process_time()
        with open(target, "w", encoding="utf-8") as stream:
            for sentence in model[LineSentence(str(current), max_sentence_length=10 ** 9)]:
                stream.write(" ".join(sentence))
                stream.write("\n")
        times["apply"] += time.process_time() - started
        current = target
    return {**times, "phrases": phrases}


def child(args, side: str, source: Path, out: Path) -> dict:
    """Run one side in a fresh process; its result, CPU seconds and peak memory."""
    command = [sys.executable, __file__, "--only", side, "--source", str(source), "--output", str(out),
               *sys.argv[1:]]
    wall = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status:
        raise SystemExit(f"{side} failed ({status})")
    result = json.loads(output.strip().splitlines()[-1])
    result.update(wall=time.perf_counter() - wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, default=7, help="corpus parts to use (1-7, ~2.47M words each)")
    parser.add_argument("--passes", type=int, default=1)
    parser.add_argument("--min-count", type=float, default=5)
    parser.add_argument("--threshold", type=float, default=10.0)
    parser.add_argument("--scoring", choices=("default", "npmi"), default="default")
    parser.add_argument("--connectors", choices=("english", "none"), default="english")
    parser.add_argument("--gensim-apply", choices=("frozen", "phrases"), default="frozen",
                        help="gensim applies FrozenPhrases (its recommended way) or Phrases; embedkit scores alike")
    parser.add_argument("--only", choices=("embedkit", "gensim"), help=argparse.SUPPRESS)
    parser.add_argument("--source", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        result = (run_embedkit if args.only == "embedkit" else run_gensim)(args, args.source, args.output)
        print(json.dumps(result))
        return

    print(f"load before: {os.getloadavg()[0]:.2f}; {args.parts} parts, {args.passes} passes, {settings(args)}, "
          f"connectors {args.connectors}, gensim applies {args.gensim_apply}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "corpus.txt"
        with open(source, "wb") as out:
            for part in sorted(CORPUS.glob("enwiki2015_text8style.part*.txt.xz"))[: args.parts]:
                with lzma.open(part, "rb") as f:
                    out.write(f.read())
        with open(source, "rb") as f:
            words = sum(len(line.split()) for line in f)
        results = {side: child(args, side, source, Path(tmp) / f"{side}.txt") for side in ("embedkit", "gensim")}
        same = (Path(tmp) / "embedkit.txt").read_bytes() == (Path(tmp) / "gensim.txt").read_bytes()
    print(f"{words:,} words; outputs identical: {same}")
    print(f"{'side':9} {'count CPU s':>11} {'freeze CPU s':>12} {'apply+write CPU s':>17} {'process CPU s':>13} "
          f"{'wall s':>7} {'peak MB':>8} {'phrases':>8} {'words/CPU-s':>12}")
    for side, r in results.items():
        print(f"{side:9} {r['count']:11.2f} {r.get('freeze', 0.0):12.2f} {r['apply']:17.2f} {r['cpu']:13.2f} "
              f"{r['wall']:7.1f} {r['peak_mb']:8.0f} {r['phrases']:8,} {args.passes * words / r['cpu'] / 1e6:11.2f}M")
    ours, theirs = results["embedkit"], results["gensim"]
    print(f"embedkit / gensim: {theirs['cpu'] / ours['cpu']:.2f}x less process CPU time, "
          f"{theirs['count'] / ours['count']:.2f}x counting, "
          f"{(theirs['freeze'] + theirs['apply']) / ours['apply']:.2f}x finding and writing")
    print("top phrases (embedkit, last pass):", ours["top"])
    print(f"load after: {os.getloadavg()[0]:.2f}")
    if not same:
        raise SystemExit("the outputs differ")


if __name__ == "__main__":
    main()
