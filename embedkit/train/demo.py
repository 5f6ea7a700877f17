"""The demo: train on a Wikipedia sample that ships with gensim, show nearest neighbours.

gensim's install carries the first ~100 articles of an English Wikipedia dump
(`enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2`, 453k words once the
markup is stripped), so the demo runs offline on any machine where embedkit installs. The
plain text is extracted once with gensim's `WikiCorpus` and cached under `EMBEDKIT_HOME`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..outputs import atomic_output

WIKI_SAMPLE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
DEMO_WORDS = ("war", "music", "french", "april", "philosophy", "computer")


def demo_corpus() -> Path:
    """Plain text of gensim's Wikipedia sample, one article per line (extracted once, cached)."""
    from ..registry import home

    target = home() / "demo" / "enwiki-sample.txt"
    if target.exists():
        return target
    from gensim.corpora.wikicorpus import WikiCorpus
    from gensim.test.utils import datapath

    target.parent.mkdir(parents=True, exist_ok=True)
    wiki = WikiCorpus(datapath(WIKI_SAMPLE), dictionary={}, processes=max(1, (os.cpu_count() or 1)))
    with atomic_output(target) as tmp, open(tmp, "w", encoding="utf-8") as out:
        for tokens in wiki.get_texts():
            out.write(" ".join(tokens) + "\n")
    return target

