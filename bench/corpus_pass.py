"""The corpus pass alone, today's against embedkit.train.fastcorpus: words/s, CPU seconds, peak memory.

Both read the same parts of the shared Wikipedia corpus and give the vocabulary (min-count 5),
the loss sample, and the corpus as word ids (ids.int32, starts.int64, raw_before.int64):

  today   train.prepare (Corpus -> Counter, tokens.txt, reservoir, Vocab, loss sample), then
          engines.native.encode (tokens.txt -> word ids), timed as train_skipgram does
  fast    fastcorpus.scan (one numba pass over the bytes -> counts and provisional ids, then the
          vocabulary and the final ids), then reservoir_sentences + draw_loss_sample

Every run is a fresh subprocess (the median of --repeats of them is shown). "base RSS" is the
process after its imports (and the fast pass's setup), just before the pass; the peak is then
reset (/proc/self/clear_refs), so "peak RSS" (VmHWM) is the pass's own peak, and "pass RSS" the
difference: what the pass itself holds at its peak (Linux only). The fast runs first load the
numba kernels from numba's cache and build the Unicode tables on a tiny file ("setup s", apart
from the pass). The row "part 1 xN" reads part 1 N times: N parts' words with one part's
vocabulary, to tell growth with the corpus from growth with its vocabulary.
The parent checks that both give the same vocabulary, counts, loss sample and id files.

Input: plain copies of the parts, decompressed once into a temp folder (the main numbers), and
with --xz the .xz parts themselves: there the decompression runs in fastcorpus's reader thread,
beside the scan, and is reported apart ("read s": the reader thread's time, "waited s": how
much of it the scan waited for), as is a decompress-only run.

    python bench/corpus_pass.py --parts 1 7 --xz
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "datasets" / "corpus"
PARTS = "enwiki2015_text8style.part*.txt.xz"


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        return int(re.search(key + r":\s+(\d+)", f.read()).group(1)) / 1024


def _base_rss_mb() -> float:
    """This process's RSS now; its peak is reset to it, so that _rss_mb() is the peak from here on."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    return _status_mb("VmRSS")


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM: ru_maxrss would carry over the parent's peak)."""
    return _status_mb("VmHWM")


def child(method: str, files: list[Path], out: Path) -> dict:
    """One pass in this (fresh) process; writes its vocabulary and loss sample beside the ids."""
    import numpy as np

    from embedkit.train import Corpus
    from embedkit.train import SkipGramConfig
    from embedkit.train.prepare import draw_loss_sample

    config = SkipGramConfig(min_count=5)
    info: dict = {}
    if method == "today":
        from embedkit.train.engines.native import encode
        from embedkit.train.prepare import prepare

        info["base_rss_mb"] = _base_rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        prepared = prepare(Corpus(files), config, out)
        info["prepare_s"] = time.perf_counter() - wall
        encoded = encode(prepared.path, prepared.vocab, out)
        vocab, sample, total, sentences = prepared.vocab, prepared.loss_sample, prepared.total_words, prepared.sentences
    elif method == "fast":
        from embedkit.train.fastcorpus import reservoir_sentences, scan

        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "w.txt").write_text("warm up\n")
            scan(Path(tmp) / "w.txt", tmp, min_count=1)
        info["setup_s"] = time.perf_counter() - started
        info["base_rss_mb"] = _base_rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        result = scan(files, out, min_count=config.min_count)
        loss_started = time.perf_counter()
        rng = np.random.default_rng(config.seed)
        sample = draw_loss_sample(reservoir_sentences(result, 2000, rng), result.vocab, config, rng)
        info["loss_s"] = time.perf_counter() - loss_started
        vocab, encoded, total, sentences = result.vocab, result.corpus, result.total_words, result.sentences
        info.update(read_s=result.read_seconds, waited_s=result.wait_seconds, scan_s=result.scan_seconds,
                    encode_s=result.encode_seconds, pass_cpu_s=result.cpu_seconds,
                    main_cpu_s=result.main_cpu_seconds, reference_files=len(result.reference_files),
                    types=result.types)
    else:  # decompress only: the bytes through fsutil.open_binary, nothing else
        from embedkit.files import open_binary

        info["base_rss_mb"] = _base_rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        size = 0
        for path in files:
            with open_binary(path) as f:
                while block := f.read(1 << 22):
                    size += len(block)
        info.update(wall_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu, bytes=size,
                    peak_rss_mb=_rss_mb())
        return info
    info.update(wall_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu, peak_rss_mb=_rss_mb(),
                words=total, sentences=sentences, vocab=len(vocab), ids=int(encoded.ids.shape[0]))
    (out / "vocab.json").write_text(json.dumps({"words": vocab.words, "counts": vocab.counts.tolist()}))
    np.savez(out / "sample.npz", inputs=sample.inputs, outputs=sample.outputs, negatives=sample.negatives)
    return info


def run_child(method: str, files: list[Path], out: Path, repeats: int) -> dict:
    """The run of median wall time among `repeats` fresh processes."""
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, __file__, "--child", method, "--out", str(out), *map(str, files)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{method} failed:\n{done.stderr}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]


def same_outputs(a: Path, b: Path) -> bool:
    names = ("ids.int32", "starts.int64", "raw_before.int64", "vocab.json")
    if any((a / n).read_bytes() != (b / n).read_bytes() for n in names):
        return False
    import numpy as np

    x, y = np.load(a / "sample.npz"), np.load(b / "sample.npz")
    return all(np.array_equal(x[k], y[k]) for k in ("inputs", "outputs", "negatives"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", type=int, nargs="+", default=[1, 7], help="numbers of corpus parts (1-7)")
    parser.add_argument("--xz", action="store_true", help="also read the .xz parts directly")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per run; the median is shown")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("files", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.files, args.out)))
        return

    print(f"{args.repeats} fresh process(es) per row, the median by wall time; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} CPUs")
    parts = sorted(CORPUS.glob(PARTS))
    header = (f"{'run':<28} {'words':>11} {'wall s':>7} {'CPU s':>6} {'words/s':>11} {'words/CPU-s':>12} "
              f"{'base RSS':>9} {'peak RSS':>9} {'pass RSS':>9}  detail")
    with tempfile.TemporaryDirectory() as tmp:
        plain = []
        for part in parts[:max(args.parts)]:
            path = Path(tmp) / part.name.removesuffix(".xz")
            with lzma.open(part) as f:
                path.write_bytes(f.read())
            plain.append(path)
        print(header)
        for n in args.parts:
            inputs = [("plain", plain[:n])] + ([("xz", parts[:n])] if args.xz else [])
            for kind, files in inputs:
                rows = {}
                for method in ("today", "fast"):
                    rows[method] = r = run_child(method, files, Path(tmp) / f"{method}-{kind}-{n}", args.repeats)
                    if method == "today":
                        detail = f"prepare {r['prepare_s']:.2f} s + encode {r['wall_s'] - r['prepare_s']:.2f} s"
                    else:
                        detail = (f"read {r['read_s']:.2f} s (waited {r['waited_s']:.2f}), scan {r['scan_s']:.2f} s, "
                                  f"vocab+ids {r['encode_s']:.2f} s, loss sample {r['loss_s']:.2f} s; "
                                  f"setup {r['setup_s']:.2f} s; {r['types']:,} types")
                    print(f"{method + ', ' + kind + ', ' + str(n) + ' part(s)':<28} {r['words']:>11,} "
                          f"{r['wall_s']:>7.2f} {r['cpu_s']:>6.2f} {r['words'] / r['wall_s']:>11,.0f} "
                          f"{r['words'] / r['cpu_s']:>12,.0f} {r['base_rss_mb']:>7.0f}MB {r['peak_rss_mb']:>7.0f}MB "
                          f"{r['peak_rss_mb'] - r['base_rss_mb']:>7.0f}MB  {detail}", flush=True)
                same = same_outputs(Path(tmp) / f"today-{kind}-{n}", Path(tmp) / f"fast-{kind}-{n}")
                today, fast = rows["today"], rows["fast"]
                print(f"  fast, tokenise + count + encode alone (scan, loss sample left out): "
                      f"{fast['words'] / (fast['scan_s'] + fast['encode_s']):,.0f} words/s, "
                      f"{fast['words'] / fast['main_cpu_s']:,.0f} words per CPU-s of the scanning thread "
                      f"({fast['main_cpu_s']:.2f} s; {fast['pass_cpu_s']:.2f} s with the reader thread)")
                print(f"  fast / today: wall x{today['wall_s'] / fast['wall_s']:.1f}, "
                      f"CPU x{today['cpu_s'] / fast['cpu_s']:.1f}; vocabulary ({fast['vocab']:,} words), "
                      f"counts, loss sample and id files {'identical' if same else 'DIFFERENT'}", flush=True)
                if not same:
                    raise SystemExit(1)
            if n > 1:  # as many words, the vocabulary of one part: memory follows the vocabulary
                r = run_child("fast", [plain[0]] * n, Path(tmp) / f"fast-same-{n}", args.repeats)
                print(f"{'fast, plain, part 1 x' + str(n):<28} {r['words']:>11,} {r['wall_s']:>7.2f} {r['cpu_s']:>6.2f} "
                      f"{r['words'] / r['wall_s']:>11,.0f} {r['words'] / r['cpu_s']:>12,.0f} {r['base_rss_mb']:>7.0f}MB "
                      f"{r['peak_rss_mb']:>7.0f}MB {r['peak_rss_mb'] - r['base_rss_mb']:>7.0f}MB  "
                      f"{r['types']:,} types", flush=True)
            if args.xz:
                r = run_child("decompress", parts[:n], Path(tmp) / f"decompress-{n}", args.repeats)
                print(f"{'decompress only, xz, ' + str(n) + ' part(s)':<28} {'':>11} {r['wall_s']:>7.2f} "
                      f"{r['cpu_s']:>6.2f} {'':>11} {'':>12} {r['base_rss_mb']:>7.0f}MB {r['peak_rss_mb']:>7.0f}MB "
                      f"{r['peak_rss_mb'] - r['base_rss_mb']:>7.0f}MB  {r['bytes'] / 1e6:.0f} MB out, "
                      f"{r['bytes'] / r['cpu_s'] / 1e6:.0f} MB/CPU-s", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
