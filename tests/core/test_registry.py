"""The dataset registry: its data, locating files, and downloads that fail safely."""

from __future__ import annotations

import hashlib
import re
import http.server
import io
import threading
import zipfile
from pathlib import Path

import pytest

from embedkit import registry
from embedkit.errors import EmbedkitError
from embedkit.registry import DataFile, Entry
from tests.shared_data import SHARED, needs_shared

pytestmark = pytest.mark.usefixtures("isolated_home")  # every test: an empty embedkit home



class _Server:
    """An HTTP server on 127.0.0.1 serving `routes`: path -> (body, declared Content-Length)."""

    def __init__(self):
        self.routes: dict[str, tuple[bytes, int]] = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path not in routes:
                    self.send_error(404)
                    return
                body, declared = routes[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(declared))
                self.end_headers()
                self.wfile.write(body)  # fewer bytes than declared: the connection just closes

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes, declared: int | None = None) -> str:
        self.routes[path] = (body, len(body) if declared is None else declared)
        return self.url + path


@pytest.fixture(scope="module")
def _module_server():
    s = _Server()
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@pytest.fixture
def server(_module_server):
    _module_server.routes.clear()
    return _module_server


def _file(path: str, body: bytes, url: str | None = None, member: str | None = None) -> DataFile:
    return DataFile(path, hashlib.sha256(body).hexdigest(), len(body), url, member)


def _entry(*files: DataFile, name="toy") -> Entry:
    return Entry(name=name, kind="similarity", title="toy", format="pairs", files=files,
                 license="CC0", citation="nobody", source="test")


def _leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# -- the registry's data -------------------------------------------------------------------------


def test_registry_lists_the_issue_datasets():
    names = {e.name for e in registry.entries()}
    assert {"ws353", "ws353-sim", "ws353-rel", "simlex999", "men", "rw", "simverb3500", "mturk287",
            "mturk771", "rg65", "mc30", "yp130", "verb143"} <= {e.name for e in registry.entries("similarity")}
    assert {"google", "msr"} == {e.name for e in registry.entries("analogy")}
    assert {"mr", "sst2", "sst5", "subj", "trec", "cr", "mpqa"} <= names
    assert registry.get("enwiki2015").kind == "corpus"


def test_every_entry_is_complete_and_names_are_unique():
    seen = set()
    for e in registry.entries():
        for name in (e.name, *e.aliases):
            assert name not in seen, name
            seen.add(name)
        assert e.kind in registry.KINDS and e.title and e.license and e.citation and e.source
        for f in e.files:
            assert re.fullmatch(r"[0-9a-f]{64}", f.sha256) and f.size > 0, (e.name, f.path)
            assert f.url is None or f.url.startswith("https://")
            assert not f.path.startswith("/") and ".." not in f.path


def test_only_the_wikipedia_corpus_is_mirror_only():
    assert [e.name for e in registry.entries() if not e.public] == ["enwiki2015"]


def test_get_accepts_aliases_and_suggests_close_names():
    assert registry.get("WS353-ALL").name == "ws353"
    with pytest.raises(EmbedkitError, match=r"unknown dataset 'simlex99'; did you mean simlex999"):
        registry.get("simlex99")


# -- locating files ------------------------------------------------------------------------------


def test_gensim_sets_resolve_offline_without_a_mirror():
    for name in ("google", "ws353", "simlex999"):
        path = registry.path(name)
        assert path.parent == registry.gensim_dir() and path.exists()


@needs_shared
def test_every_file_in_the_shared_mirror_matches_its_checksum():
    for e in registry.entries():
        if not e.gensim:
            for p, f in zip(registry.paths(e, mirror=SHARED), e.files):
                assert p == SHARED / f.path


def test_locate_without_the_files_says_how_to_get_them():
    with pytest.raises(EmbedkitError, match=r"dataset men is not on this machine; get it with "
                                            r"`embedkit corpora fetch men`"):
        registry.locate("men")
    with pytest.raises(EmbedkitError, match=r"dataset enwiki2015 is not on this machine and has no public "
                                            r"download address; pass --mirror DIR"):
        registry.locate("enwiki2015")


def test_a_corrupted_cache_file_is_reported_and_fetch_replaces_it(tmp_path, isolated_home):
    body = b"a\tb\t1\n"
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "toy.txt").write_bytes(body)
    entry = _entry(_file("toy.txt", body))
    registry.fetch(entry, mirror=tmp_path / "m")
    (isolated_home / "datasets" / "toy.txt").write_bytes(b"a\tb\t2\n")
    with pytest.raises(EmbedkitError, match=r"toy.txt: checksum mismatch: .*; `embedkit corpora fetch toy` "
                                            r"replaces it"):
        registry.locate(entry)
    registry.fetch(entry, mirror=tmp_path / "m")
    assert (isolated_home / "datasets" / "toy.txt").read_bytes() == body


def test_mirror_from_the_environment(tmp_path, monkeypatch):
    body = b"a\tb\t1\n"
    (tmp_path / "m" / "sim").mkdir(parents=True)
    (tmp_path / "m" / "sim" / "toy.txt").write_bytes(body)
    monkeypatch.setenv("EMBEDKIT_MIRROR", str(tmp_path / "m"))
    entry = _entry(_file("sim/toy.txt", body))
    assert registry.locate(entry) == tmp_path / "m" / "sim"


def test_a_corrupted_mirror_file_is_an_error_not_a_miss(tmp_path):
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "toy.txt").write_bytes(b"changed\n")
    entry = _entry(_file("toy.txt", b"original\n"))
    with pytest.raises(EmbedkitError, match=r"toy.txt: checksum mismatch: expected sha256 [0-9a-f]{64}, got"):
        registry.locate(entry, mirror=tmp_path / "m")


# -- fetching ------------------------------------------------------------------------------------


def test_fetch_copies_from_a_mirror_folder_then_keeps_the_copy(tmp_path, isolated_home):
    body = b"x\ty\t2.5\r\n"
    (tmp_path / "m" / "sim").mkdir(parents=True)
    (tmp_path / "m" / "sim" / "toy.txt").write_bytes(body)
    entry = _entry(_file("sim/toy.txt", body))
    lines = []
    folder = registry.fetch(entry, mirror=tmp_path / "m", report=lines.append)
    assert folder == isolated_home / "datasets" / "sim"
    assert (folder / "toy.txt").read_bytes() == body
    assert lines == [f"sim/toy.txt: copied from {tmp_path / 'm' / 'sim' / 'toy.txt'}"]
    lines.clear()
    assert registry.fetch(entry, report=lines.append) == folder  # no mirror needed any more
    assert lines == [f"sim/toy.txt: already in {isolated_home / 'datasets'}"]
    assert registry.locate(entry) == folder


@needs_shared
def test_fetch_a_real_dataset_from_the_shared_mirror(isolated_home):
    folder = registry.fetch("mturk771", mirror=SHARED)
    assert folder == isolated_home / "datasets" / "wordsim"
    assert (folder / "EN-MTurk-771.txt").read_bytes() == (SHARED / "wordsim/EN-MTurk-771.txt").read_bytes()


def test_fetch_downloads_over_http(server, isolated_home):
    body = b"cat\tdog\t7.0\n" * 1000
    entry = _entry(_file("sim/toy.txt", body, server.serve("/toy.txt", body)))
    folder = registry.fetch(entry)
    assert (folder / "toy.txt").read_bytes() == body
    assert [p.name for p in _leftovers(isolated_home)] == ["toy.txt"]


def test_fetch_from_an_http_mirror(server, isolated_home):
    body = b"cat\tdog\t7.0\n"
    server.serve("/mirror/sim/toy.txt", body)
    entry = _entry(_file("sim/toy.txt", body, url=None))
    folder = registry.fetch(entry, mirror=server.url + "/mirror/")
    assert (folder / "toy.txt").read_bytes() == body


def test_checksum_mismatch_is_detected_and_nothing_is_kept(server, isolated_home):
    good, served = b"cat\tdog\t7.0\n", b"cat\tdog\t1.0\n"
    entry = _entry(_file("sim/toy.txt", good, server.serve("/toy.txt", served)))
    with pytest.raises(EmbedkitError) as error:
        registry.fetch(entry)
    message = str(error.value)
    assert message.startswith("sim/toy.txt: checksum mismatch")
    assert hashlib.sha256(good).hexdigest() in message and hashlib.sha256(served).hexdigest() in message
    assert "nothing was kept" in message
    assert _leftovers(isolated_home) == []


def test_truncated_download_is_detected_and_nothing_is_kept(server, isolated_home):
    body = b"0123456789" * 500
    url = server.serve("/toy.txt", body[:2000], declared=len(body))
    entry = _entry(_file("sim/toy.txt", body, url))
    with pytest.raises(EmbedkitError, match=r"sim/toy.txt: transfer from .* was cut short: received 2000 "
                                            r"of 5000 bytes; nothing was kept"):
        registry.fetch(entry)
    assert _leftovers(isolated_home) == []


def test_truncated_file_in_a_mirror_folder_is_not_copied(tmp_path, isolated_home):
    body = b"cat\tdog\t7.0\n" * 100
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "toy.txt").write_bytes(body[:-700])
    entry = _entry(_file("toy.txt", body, url=None))
    with pytest.raises(EmbedkitError, match=r"toy.txt: checksum mismatch for the file from .*m/toy.txt: expected "
                                            r"sha256 [0-9a-f]{64}, got [0-9a-f]{64} \(500 bytes, expected 1200\)"):
        registry.fetch(entry, mirror=tmp_path / "m")
    assert _leftovers(isolated_home) == []


def test_missing_file_on_the_server(server, isolated_home):
    entry = _entry(_file("toy.txt", b"x", server.url + "/nothing-here"))
    with pytest.raises(EmbedkitError, match=r"could not download .*/nothing-here: HTTP 404"):
        registry.fetch(entry)
    assert _leftovers(isolated_home) == []


def test_zip_members_are_extracted_and_checked(server, isolated_home):
    pos, neg = "good , fine\n".encode(), "bad\n".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("polarity/rt.pos", pos)
        z.writestr("polarity/rt.neg", neg)
    url = server.serve("/polarity.zip", buffer.getvalue())
    entry = _entry(_file("cls/rt.pos", pos, url, "polarity/rt.pos"),
                   _file("cls/rt.neg", neg, url, "polarity/rt.neg"))
    folder = registry.fetch(entry)
    assert (folder / "rt.pos").read_bytes() == pos and (folder / "rt.neg").read_bytes() == neg
    assert sorted(p.name for p in _leftovers(isolated_home)) == ["rt.neg", "rt.pos"]  # archive removed

    bad = _entry(_file("cls/other.txt", b"?", url, "polarity/missing"), name="bad")
    with pytest.raises(EmbedkitError, match=r"has no member polarity/missing"):
        registry.fetch(bad)


def test_mirror_only_entry_without_a_mirror_says_so(isolated_home):
    with pytest.raises(EmbedkitError, match=r"corpus/enwiki2015_text8style.part01.txt.xz has no public "
                                            r"download address; enwiki2015 is mirror-only"):
        registry.fetch("enwiki2015")
    assert _leftovers(isolated_home) == []


def test_cache_dir_follows_embedkit_home(isolated_home, monkeypatch):
    assert registry.cache_dir() == isolated_home / "datasets"
    monkeypatch.delenv("EMBEDKIT_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    if registry.sys.platform.startswith("linux"):
        assert registry.cache_dir() == Path("/somewhere/cache/embedkit/datasets")
