"""The datasets embedkit knows, and how their files get onto this machine, checksums verified.

Entries (benchmarks, classification sets, training corpora) are data, read from
`embedkit/data/registry.json`; `corpora/README.md` describes the fields. Every file has a relative
path, a sha256 and a size; most have a public download address. The relative path is the same in
the cache, in a mirror and in the project's shared dataset folder, so `mirror="../shared/datasets"`
just works.

A dataset's files are looked for, in order:

1. gensim's test-data folder, for the sets gensim ships (`google`, `ws353`, `simlex999`);
2. a mirror: the `mirror` argument or the ``EMBEDKIT_MIRROR`` variable, a folder (or an http(s)
   address) laid out like the relative paths;
3. the cache, ``cache_dir()``, which `fetch` fills (``EMBEDKIT_HOME``/datasets).

Downloads stream into a temporary file beside the target, are checked for length and sha256, and
only then renamed into place: a failed, cut-short or corrupted transfer leaves nothing behind.

Example:
    >>> from embedkit import registry
    >>> registry.get("ws353").title
    'WordSim-353, all 353 pairs (relatedness and similarity), scores 0-10'
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import posixpath
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable

from ._version import __version__
from .errors import EmbedkitError, close_spellings
from .files import open_binary, reading
from .outputs import atomic_output

KINDS = ("similarity", "analogy", "classification", "corpus")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset."""

    path: str                 # relative path: the same in the cache, a mirror and ../shared/datasets
    sha256: str
    size: int                 # bytes
    url: str | None = None    # public address; None when only mirrors have it
    member: str | None = None  # when `url` is a zip archive: the file's name inside it


@dataclass(frozen=True)
class Entry:
    """A dataset: what it is, where it comes from, and its files."""

    name: str
    kind: str                 # one of KINDS
    title: str
    format: str               # pairs | analogy-sections | msr-csv | lines-per-class | label-first | trec | ...
    files: tuple[DataFile, ...]
    license: str
    citation: str
    source: str
    notes: str = ""
    aliases: tuple[str, ...] = ()
    gensim: bool = False      # shipped in gensim's test data; paths are relative to that folder

    @property
    def public(self) -> bool:
        """Whether every file has a public download address."""
        return all(f.url for f in self.files)

    @property
    def folder(self) -> str:
        """The relative folder holding all the files ('' when they lie at the top)."""
        return posixpath.commonpath([posixpath.dirname(f.path) for f in self.files])


def _entry(raw: dict) -> Entry:
    files = tuple(DataFile(**f) for f in raw.pop("files"))
    return Entry(files=files, aliases=tuple(raw.pop("aliases", ())), **raw)


@lru_cache(maxsize=None)
def _load() -> tuple[Entry, ...]:
    text = resources.files("embedkit").joinpath("data/registry.json").read_text(encoding="utf-8")
    return tuple(_entry(dict(raw)) for raw in json.loads(text)["entries"])


def entries(kind: str | None = None) -> list[Entry]:
    """All registry entries, or those of one `kind` ('similarity', 'analogy', 'classification', 'corpus')."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return [e for e in _load() if kind is None or e.kind == kind]


def get(name: str | Entry) -> Entry:
    """The entry called `name` (or one of its aliases; case-insensitive).

    Raises:
        EmbedkitError: no such dataset; the message suggests close names.
    """
    if isinstance(name, Entry):
        return name
    key = name.lower()
    for entry in _load():
        if key == entry.name or key in entry.aliases:
            return entry
    names = [e.name for e in _load()]
    near = close_spellings(key, names)
    hint = f"; did you mean {', '.join(near)}?" if near else f"; known: {', '.join(names)}"
    raise EmbedkitError(f"unknown dataset {name!r}{hint}")


# -- where files live ----------------------------------------------------------------------------


def home() -> Path:
    """embedkit's own folder: ``EMBEDKIT_HOME``, else the user's cache folder + ``embedkit``."""
    env = os.environ.get("EMBEDKIT_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "embedkit"


def cache_dir() -> Path:
    """Where `fetch` puts datasets: ``home() / "datasets"``, laid out like the relative paths."""
    return home() / "datasets"


def gensim_dir() -> Path:
    """gensim's test-data folder (Google analogies, WordSim-353, SimLex-999)."""
    from gensim.test.utils import datapath

    return Path(datapath(""))


def _mirror(mirror) -> str | None:
    mirror = mirror if mirror is not None else os.environ.get("EMBEDKIT_MIRROR") or None
    return None if mirror is None else os.fspath(mirror)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def _digest(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _valid(path: Path, expected: DataFile, *, strict: bool) -> bool:
    """Whether `path` holds the expected bytes. A wrong file raises when `strict`, else is ignored."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    actual = _digest(path)
    if actual == expected.sha256:
        return True
    if strict:
        raise EmbedkitError(
            f"{path}: checksum mismatch: expected sha256 {expected.sha256}, got {actual} "
            f"({st.st_size} bytes, expected {expected.size})")
    return False


def _root_for(entry: Entry, root: Path) -> Path:
    return root / entry.folder if entry.folder else root


def locate(name: str | Entry, mirror=None) -> Path:
    """The local folder that holds the files of dataset `name`, each checked against its sha256.

    Looks in gensim's test data (for the sets gensim ships), then the mirror folder (`mirror` or
    ``EMBEDKIT_MIRROR``), then the cache. Nothing is downloaded: see `fetch`.

    Raises:
        EmbedkitError: the files are nowhere on this machine (the message says how to get them),
            or a file there has the wrong checksum.
    """
    entry = get(name)
    for label, root, strict in _roots(entry, mirror):
        if not all((root / f.path).exists() for f in entry.files):
            continue
        try:
            if all(_valid(root / f.path, f, strict=strict) for f in entry.files):
                return _root_for(entry, root)
        except EmbedkitError as error:
            if label == "cache":
                raise EmbedkitError(f"{error}; `embedkit corpora fetch {entry.name}` replaces it") from None
            raise
    if not entry.public:
        raise EmbedkitError(f"dataset {entry.name} is not on this machine and has no public download "
                            "address; pass --mirror DIR (or set EMBEDKIT_MIRROR) to a folder that has it")
    raise EmbedkitError(f"dataset {entry.name} is not on this machine; get it with "
                        f"`embedkit corpora fetch {entry.name}` (or pass --mirror DIR)")


def _roots(entry: Entry, mirror) -> list[tuple[str, Path, bool]]:
    """(label, folder, strict) in search order; a wrong file in a strict folder is an error, not a miss."""
    roots = []
    if entry.gensim:
        roots.append(("gensim", gensim_dir(), False))  # another gensim version's copy: try the others
    mirror = _mirror(mirror)
    if mirror is not None and not _is_url(mirror):
        roots.append(("mirror", Path(mirror).expanduser(), True))
    roots.append(("cache", cache_dir(), True))
    return roots


def where(name: str | Entry, mirror=None) -> str | None:
    """'gensim', 'mirror' or 'cache': where `locate` would find the files (by presence, without
    reading them), or None."""
    entry = get(name)
    for label, root, _ in _roots(entry, mirror):
        if all((root / f.path).exists() for f in entry.files):
            return label
    return None


def paths(name: str | Entry, mirror=None) -> list[Path]:
    """Full paths of the files of dataset `name`, in registry order (see `locate`)."""
    entry = get(name)
    folder = locate(entry, mirror)
    return [folder / posixpath.relpath(f.path, entry.folder or ".") for f in entry.files]


def path(name: str | Entry, mirror=None) -> Path:
    """The path of the first (main) file of dataset `name`."""
    return paths(name, mirror)[0]


def fetch(name: str | Entry, mirror=None, *, report: Callable[[str], None] | None = None) -> Path:
    """Make sure dataset `name` is on this machine and return the folder holding it (as `locate`).

    Files already present (gensim's, or in the cache) are kept. Missing ones are copied from the
    mirror (`mirror` or ``EMBEDKIT_MIRROR``: a folder or an http(s) address) or, failing that,
    downloaded from the public address into `cache_dir()`. `report` is called with one line per
    file (the CLI prints them).

    Raises:
        EmbedkitError: a file has no source (mirror-only datasets without a mirror), a download
            fails, is cut short, or its sha256 differs; nothing partial is left behind.
    """
    entry = get(name)
    say = report or (lambda line: None)
    if entry.gensim and all(_valid(gensim_dir() / f.path, f, strict=False) for f in entry.files):
        say(f"{entry.name}: shipped with gensim in {gensim_dir()}")
        return gensim_dir()
    cache = cache_dir()
    mirror = _mirror(mirror)
    archives: dict[str, Path] = {}  # zip archives downloaded during this call, by url
    try:
        for f in entry.files:
            target = cache / f.path
            if _valid(target, f, strict=False):
                say(f"{f.path}: already in {cache}")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = _mirror_source(mirror, f)
            if source is not None:
                _transfer(source, target, f)
                say(f"{f.path}: copied from {source}")
            elif f.url:
                if f.member:
                    if f.url not in archives:
                        archives[f.url] = _download_archive(f.url, cache)
                    _extract(archives[f.url], f.member, target, f, f.url)
                else:
                    _transfer(f.url, target, f)
                say(f"{f.path}: downloaded from {f.url}")
            else:
                where = f" (not in the mirror {mirror})" if mirror else ""
                raise EmbedkitError(
                    f"{f.path} has no public download address{where}; {entry.name} is mirror-only: "
                    "pass --mirror DIR (or set EMBEDKIT_MIRROR) to a folder that has it")
    finally:
        for archive in archives.values():
            archive.unlink(missing_ok=True)
    return _root_for(entry, cache)


def _mirror_source(mirror: str | None, f: DataFile) -> str | None:
    if mirror is None:
        return None
    if _is_url(mirror):
        return mirror.rstrip("/") + "/" + f.path
    candidate = Path(mirror).expanduser() / f.path
    return str(candidate) if candidate.exists() else None


# -- transfers -----------------------------------------------------------------------------------


def _open(source: str):
    """(stream, declared length or None) for a local path or a URL."""
    if not _is_url(source):
        with reading(source):  # a folder where the file should be, a file we may not read
            return open(source, "rb"), os.path.getsize(source)
    request = urllib.request.Request(source, headers={"User-Agent": f"embedkit/{__version__}"})
    try:
        response = urllib.request.urlopen(request, timeout=60)
    except urllib.error.HTTPError as error:
        raise EmbedkitError(f"could not download {source}: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise EmbedkitError(f"could not download {source}: {reason}") from None
    length = response.headers.get("Content-Length")
    return response, int(length) if length and length.isdigit() else None


def _copy(stream, out, source: str, declared: int | None) -> tuple[int, str]:
    """Copy `stream` to `out`; (bytes, sha256). Raises if fewer bytes arrive than declared."""
    h = hashlib.sha256()
    received = 0
    try:
        while block := stream.read(_CHUNK):
            h.update(block)
            out.write(block)
            received += len(block)
    except (http.client.IncompleteRead, OSError) as error:
        raise EmbedkitError(f"transfer from {source} failed after {received} bytes: {error}") from None
    if declared is not None and received < declared:
        raise EmbedkitError(f"transfer from {source} was cut short: received {received} of {declared} bytes")
    return received, h.hexdigest()


def _check(f: DataFile, source: str, received: int, digest: str) -> None:
    if digest != f.sha256:
        raise EmbedkitError(
            f"{f.path}: checksum mismatch for the file from {source}: expected sha256 {f.sha256}, "
            f"got {digest} ({received} bytes, expected {f.size}); nothing was kept")


def _transfer(source: str, target: Path, f: DataFile) -> None:
    """Copy or download `source` to `target` through a temporary file; keep it only if it checks out."""
    stream, declared = _open(source)
    with stream, atomic_output(target) as tmp, open(tmp, "wb") as out:
        try:
            received, digest = _copy(stream, out, source, declared)
        except EmbedkitError as error:
            raise EmbedkitError(f"{f.path}: {error}; nothing was kept") from None
        _check(f, source, received, digest)


def _download_archive(url: str, cache: Path) -> Path:
    """Download a zip archive to a temporary file in the cache (deleted by the caller)."""
    cache.mkdir(parents=True, exist_ok=True)
    stream, declared = _open(url)
    fd, name = tempfile.mkstemp(prefix=".download.", suffix=".zip.tmp", dir=cache)
    try:
        with stream, os.fdopen(fd, "wb") as out:
            _copy(stream, out, url, declared)
    except BaseException:
        os.unlink(name)
        raise
    return Path(name)


def _extract(archive: Path, member: str, target: Path, f: DataFile, url: str) -> None:
    source = f"{url} ({member})"
    if not zipfile.is_zipfile(archive):
        raise EmbedkitError(f"{f.path}: {url} is not a readable zip archive")
    with reading(url), zipfile.ZipFile(archive) as z:
        names = z.namelist()
    if member not in names:
        raise EmbedkitError(f"{f.path}: the archive {url} has no member {member}")
    # open_binary's stream: a damaged member is a FormatError naming it, and nothing is kept
    with open_binary(archive, member, name=source) as stream, \
            atomic_output(target) as tmp, open(tmp, "wb") as out:
        received, digest = _copy(stream, out, source, None)
        _check(f, source, received, digest)

