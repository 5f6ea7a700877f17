"""Output files: one rule for what may be replaced, atomic writes, scratch folders of long jobs.

Output follows one rule, `check_output`: a file replaces a file; a folder replaces an empty
folder or a folder embedkit wrote of the same kind (vectors, a classifier, a report: recognised
by `folder_kind` from the files embedkit puts there); nothing replaces any other folder, and no
file replaces a folder. Commands call `check_output` before they read their input, so a bad
output fails before the work, not after it. `atomic_output` applies the same rule when it writes:
it gives a temporary path beside the target and renames it into place only when the block
succeeds, so a failed or interrupted write never leaves a half-written file or folder behind,
and an OSError while writing becomes one `EmbedkitError` naming the output. `scratch_folder`
holds temporary files of a long job and removes those of earlier jobs that were killed.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .errors import EmbedkitError


# -- the folders embedkit writes ------------------------------------------------------------------

def _json_object(path: Path) -> dict:
    """The JSON object in `path`, or {} when it is missing, unreadable or not an object."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class _Layout:
    """What embedkit writes in one kind of output folder."""

    what: str                       # how messages name the kind
    names: dict                     # file name pattern -> None, or subfolder name -> its patterns
    signed: Callable[[Path], bool]  # does the folder hold the file that tells this kind apart?


FOLDER_KINDS: dict[str, _Layout] = {
    "vectors": _Layout(
        "embedkit vectors (meta.json, vocab.tsv, vectors.npy)",
        dict.fromkeys(("meta.json", "vocab.tsv", "vectors.npy", "vectors.npz", "input_matrix.npy", "buckets.npy",
                       "*.npy")),  # *.npy: Vectors.state
        lambda f: _json_object(f / "meta.json").get("format") == "embedkit"),
    "projector": _Layout(
        "an Embedding Projector export (vectors.tsv, metadata.tsv)",
        dict.fromkeys(("vectors.tsv", "metadata.tsv")),
        lambda f: (f / "vectors.tsv").is_file()),
    "classifier": _Layout(
        "a saved classifier (config.json, vocab.txt, weights.pt)",
        dict.fromkeys(("config.json", "vocab.txt", "weights.pt")),
        lambda f: _json_object(f / "config.json").get("format") == "embedkit-classifier"),
    "seq2seq": _Layout(
        "a saved encoder-decoder (config.json, source.txt, target.txt, weights.pt)",
        dict.fromkeys(("config.json", "source.txt", "target.txt", "weights.pt")),
        lambda f: _json_object(f / "config.json").get("format") == "embedkit-seq2seq"),
    "experiment": _Layout(
        "an experiment report (report.md, results.json, ...)",
        dict.fromkeys(("report.md", "results.csv", "results.json", "*.png", "*.html")),
        lambda f: {"name", "title", "conclusion"} <= set(_json_object(f / "results.json"))),
    "prepared": _Layout(
        "a prepared corpus (prepared.json, vocab.txt, shards/)",
        {**dict.fromkeys(("prepared.json", "vocab.txt")),
         "shards": ("part-*.ids.int32", "part-*.starts.int64", "part-*.raw_before.int64")},
        lambda f: _json_object(f / "prepared.json").get("format") == "embedkit-prepared"),
    "compare": _Layout(
        "a compare report (results.md, results.json, cells/, ...)",
        {**dict.fromkeys(("results.md", "results.csv", "results.json", "results.png")), "cells": ("*.json",)},
        lambda f: (f / "cells").is_dir() or {"dataset", "seeds", "rows"} <= set(_json_object(f / "results.json"))),
}


def _ours(name: str, patterns) -> bool:
    """Whether `name` is one of `patterns`, or the temporary file `atomic_output` makes for one."""
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(name, f".{p}.*.tmp*") for p in patterns)


def _stranger(folder: Path, layout: _Layout) -> str | None:
    """The first entry of `folder` that `layout` does not account for, or None."""
    with os.scandir(folder) as entries:
        for entry in entries:
            inner = layout.names.get(entry.name)
            if inner is not None:  # a subfolder of the layout: only its own files inside
                if not entry.is_dir(follow_symlinks=False):
                    return entry.name
                with os.scandir(entry.path) as children:
                    odd = next((c.name for c in children
                                if not c.is_file(follow_symlinks=False) or not _ours(c.name, inner)), None)
                if odd is not None:
                    return f"{entry.name}/{odd}"
            elif not (entry.is_file(follow_symlinks=False) and _ours(entry.name, layout.names)):
                return entry.name
    return None


def folder_kind(folder) -> str | None:
    """Which kind of `FOLDER_KINDS` embedkit wrote at `folder`; "empty" when it holds nothing.

    A folder is of a kind when it holds that kind's telling file (an .ekv folder's meta.json with
    "format": "embedkit", a classifier's config.json, a report's results.json, ...) and nothing
    embedkit does not write there. Anything else, a folder holding a single file of the user's
    among embedkit's included, is None: not embedkit's to replace.

    Example:
        >>> folder_kind("vectors.ekv")
        'vectors'
    """
    folder = Path(folder)
    try:
        with os.scandir(folder) as entries:
            if next(entries, None) is None:
                return "empty"
        for kind, layout in FOLDER_KINDS.items():
            if layout.signed(folder) and _stranger(folder, layout) is None:
                return kind
    except OSError:
        pass
    return None


def _describe(folder: Path) -> str:
    """The kind a folder seems to be, or a few of its entries, for an error message."""
    for layout in FOLDER_KINDS.values():
        with contextlib.suppress(OSError):
            if layout.signed(folder):
                odd = _stranger(folder, layout)
                return f"it looks like {layout.what} but also holds {odd}"
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return "its contents cannot be read"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"it holds {shown}"


# -- the rule for outputs -------------------------------------------------------------------------

def write_error(path, error: OSError, what: str = "") -> EmbedkitError:
    """The one-line `EmbedkitError` for an OSError while writing `path` (`what`: what was written).

    Example:
        >>> str(write_error("out.png", OSError(27, "File too large")))
        'out.png: cannot write: File too large'
    """
    reason = error.strerror or str(error) or type(error).__name__
    return EmbedkitError(f"{path}: cannot write{' ' + what if what else ''}: {reason}")


def _where(path: Path, parents: bool) -> Path:
    """The existing folder `path` will be written in (with `parents`, the nearest existing one)."""
    parent = path.parent
    if parents:
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
    if not parent.exists():
        raise EmbedkitError(f"{path}: folder {parent} does not exist")
    if not parent.is_dir():
        raise EmbedkitError(f"{path}: {parent} is not a folder")
    return parent


def _probe(path: Path, folder: Path) -> None:
    """Create and delete the temporary file `atomic_output` will need in `folder`."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as error:
        raise EmbedkitError(f"{path}: cannot write in {folder}: {error.strerror or error}") from None


def check_writable(folder) -> None:
    """Raise `EmbedkitError` unless files can be created in the existing `folder`: for outputs
    written inside a folder that is kept (a report that is resumed), before the work."""
    folder = Path(folder)
    _probe(folder, folder)


def check_output(path, folder: str | None = None, *, parents: bool = False) -> Path:
    """Raise `EmbedkitError` unless `path` can be written now; return it as a Path.

    Checks that the folder it goes in exists (with `parents`, that the nearest existing folder
    above it does: the missing ones are created when writing) and can be written in, and that
    whatever is at `path` may be replaced: a file by a file; an empty folder or a folder embedkit
    wrote of the kind `folder` (a key of `FOLDER_KINDS`) by that kind of folder. Call it before
    reading the input, so a bad output costs nothing.

    Args:
        path: the file or folder to write.
        folder: None to write a file; else the kind of folder that will be written.
        parents: the folders above `path` may be missing (they are created).

    Raises:
        EmbedkitError: naming `path` and what is wrong.

    Example:
        >>> check_output("out.ekv", "vectors")
        PosixPath('out.ekv')
    """
    if folder is not None and folder not in FOLDER_KINDS:
        raise ValueError(f"unknown kind of folder {folder!r}; known: {', '.join(FOLDER_KINDS)}")
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise EmbedkitError(f"{path}: give the name of a file or folder to write")
    _probe(path, _where(path, parents))
    if path.is_symlink() or not path.exists():
        return path  # nothing to lose: a link is replaced, not what it points to
    if path.is_dir():
        if folder is None:
            raise EmbedkitError(f"{path} is a folder; refusing to replace it with a file")
        kind = folder_kind(path)
        if kind in ("empty", folder):
            return path
        if kind is None:
            raise EmbedkitError(f"{path}: a folder embedkit did not write ({_describe(path)}); "
                                "refusing to replace it")
        raise EmbedkitError(f"{path} holds {FOLDER_KINDS[kind].what}, not {FOLDER_KINDS[folder].what}; "
                            "refusing to replace it")
    if folder is not None:
        raise EmbedkitError(f"{path}: exists and is not a folder; refusing to replace it")
    return path


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


@contextlib.contextmanager
def atomic_output(path, suffix: str = "", *, folder: str | None = None, parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success rename it to `path`, else delete it.

    The block creates a file at the yielded path, or with `folder` (a key of `FOLDER_KINDS`) a
    folder of that kind. What may be replaced is `check_output`'s rule, checked before the block
    and again before the rename; an existing target is replaced only once the new one is complete.
    `suffix` keeps an extension on the temporary name for libraries that choose a format by it
    (matplotlib). With `parents`, missing folders above `path` are created.

    Raises:
        EmbedkitError: `check_output` refuses `path`, or an OSError while writing (a full disk,
            a file size limit, a read-only folder), naming `path`.
    Example:
        >>> with atomic_output("out.txt") as tmp:
        ...     tmp.write_text("done")
    """
    path = check_output(path, folder, parents=parents)
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{suffix}", dir=parent)
        os.close(fd)
    except OSError as error:
        raise EmbedkitError(f"{path}: cannot write in {parent}: {error.strerror or error}") from None
    tmp = Path(name)
    tmp.unlink()  # the block creates a file or a folder there
    try:
        try:
            yield tmp
        except OSError as error:
            raise write_error(path, error) from None
        made = tmp.is_dir() and not tmp.is_symlink()
        if not (tmp.exists() and made == (folder is not None)):
            raise RuntimeError(f"expected a {'folder' if folder else 'file'} at {tmp}")
        check_output(path, folder)  # something may have appeared there meanwhile
        try:
            _rename(tmp, path)
        except OSError as error:
            raise write_error(path, error) from None
    except BaseException:
        _remove(tmp)
        raise


_HELD_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP for the block; one that came meanwhile is raised after it.

    In the main thread (where Python runs signal handlers) the handlers are swapped for one
    that notes the signal; afterwards the previous handlers come back and a noted signal is
    raised again, so whatever handles it (KeyboardInterrupt, a command's clean stop) runs once
    the block has left the files whole. Elsewhere the block runs as it is.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    came: list[int] = []
    previous = {}
    for name in _HELD_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) not in (signal.SIG_IGN, None):
            previous[number] = signal.signal(number, lambda signum, frame: came.append(signum))
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if came:
            signal.raise_signal(came[0])


def _rename(tmp: Path, path: Path) -> None:
    """Put `tmp` at `path`, moving an existing folder aside first and back if that fails.

    The moves run with the stop signals held: a stop between them would leave `path` missing,
    or the old folder beside it.
    """
    with _signals_held():
        _move_into_place(tmp, path)


def _move_into_place(tmp: Path, path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
        os.rmdir(old)
        os.replace(path, old)
        try:
            os.replace(tmp, path)
        except OSError:
            os.replace(old, path)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        if tmp.is_dir() and path.is_symlink():
            path.unlink()
        os.replace(tmp, path)


# -- temporary folders of long jobs ----------------------------------------------------------------

OWNER = "owner"  # in a scratch folder: "HOST PID" of the process that made it


def _alive(pid: int) -> bool:
    """Whether process `pid` runs on this machine (True when that cannot be told)."""
    if pid <= 0 or os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but belongs to another user
    return True


def remove_stale(where, prefix: str) -> list[Path]:
    """Remove the folders `prefix*` in `where` that a `scratch_folder` left when its process was
    killed (SIGKILL, a crash, a power cut); return them.

    Only folders whose owner file names this machine and a process that no longer runs are
    removed; a folder of a running job, of another machine or without an owner file is kept.
    """
    host = socket.gethostname()
    removed = []
    try:
        candidates = [p for p in Path(where).iterdir() if p.name.startswith(prefix)]
    except OSError:
        return removed
    for folder in candidates:
        try:
            owner_host, pid = (folder / OWNER).read_text(encoding="utf-8").split()
            stale = owner_host == host and not _alive(int(pid))
        except (OSError, ValueError):
            continue
        if stale and not folder.is_symlink():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def scratch_folder(prefix: str, where=None) -> Iterator[Path]:
    """A new temporary folder `prefix*` in `where` (default: the system's), removed when the block
    ends, however it ends; folders of earlier killed jobs with the same prefix are removed first.

    Raises:
        EmbedkitError: `where` is not a folder, or no folder can be created in it.
    Example:
        >>> with scratch_folder("embedkit-train-") as tmp:
        ...     (tmp / "tokens.txt").write_text("a b c")
    """
    base = Path(where) if where is not None else Path(tempfile.gettempdir())
    if not base.is_dir():
        raise EmbedkitError(f"{base}: no such folder, for temporary files")
    remove_stale(base, prefix)
    try:
        folder = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    except OSError as error:
        raise write_error(base, error, "temporary files") from None
    try:
        try:
            (folder / OWNER).write_text(f"{socket.gethostname()} {os.getpid()}\n", encoding="utf-8")
        except OSError as error:
            raise write_error(folder / OWNER, error) from None
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
