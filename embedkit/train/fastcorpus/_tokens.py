"""Every token of the corpus, out-of-vocabulary ones too: the loss sample's reservoir and the text.

The word ids of `EncodedCorpus` leave out the words below min-count. Two things need them back:
the loss sample's reservoir, whose units are pieces of `piece` corpus tokens (in the vocabulary
or not), and the tokenised text the gensim engine reads. `scan(..., keep_tokens=True)` keeps the
pass's file of provisional ids (one int32 per token, the type numbered in the order it was first
seen) with the words of every type, as `AllTokens`; both are read from it in bounded chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numba import njit

from ._scan import writing

TOKEN_CHUNK = 1 << 20      # type ids read at a time
SENTENCE_CHUNK = 1 << 16   # sentence ends read at a time
UNIT_CHUNK = 1 << 16       # reservoir draws made at a time
TEXT_BYTES = 1 << 22       # text written at a time


@dataclass
class AllTokens:
    """The corpus as type ids, every token kept; `raw_before` gives the sentences."""

    path: Path              # int32 per corpus token: its type
    raw_before: Path        # int64: 0, then the corpus tokens before the end of each sentence
    sentences: int
    word_id: np.ndarray     # (types,) int32: the type's row in the vocabulary, -1 if left out
    arena: np.ndarray       # uint8: the types' UTF-8 bytes, one after another
    offsets: np.ndarray     # (types,) int64: where each type's bytes start in `arena`
    lengths: np.ndarray     # (types,) int64: how many bytes it has

    def ends(self):
        """The sentence ends (corpus tokens before each end), int64 arrays of at most SENTENCE_CHUNK."""
        with open(self.raw_before, "rb") as bounds:
            bounds.seek(8)  # past the leading 0
            chunk = np.empty(SENTENCE_CHUNK, np.int64)
            while (got := bounds.readinto(memoryview(chunk).cast("B")) // 8) > 0:
                yield chunk[:got]


@dataclass
class Reservoir:
    """The loss sample's reservoir drawn from `AllTokens`, and what prepare checks besides."""

    units: list[list[int]]  # word ids of each kept unit (words left out of the vocabulary dropped)
    count: int              # units in the corpus
    pairable: bool          # some sentence holds at least two corpus tokens


def unit_reservoir(tokens: AllTokens, size: int, piece: int, rng: np.random.Generator) -> Reservoir:
    """`train.prepare`'s reservoir (Algorithm R over units of at most `piece` tokens), same draws.

    prepare cuts every sentence into units of `piece` tokens (the last one shorter), keeps the
    first `size` units and then, for the u-th unit (1-based), draws `rng.integers(0, u)` and
    replaces that slot when the draw is below `size`. The same draws, made in chunks of
    UNIT_CHUNK, leave `rng` in the same state and keep the same units.

    Args:
        tokens: what `scan(..., keep_tokens=True)` kept.
        size: the reservoir's size (prepare's `reservoir_size`).
        piece: the most tokens of a unit (prepare's `piece`).
        rng: the generator prepare would use, in the state it would be in; it is advanced.

    Returns:
        Reservoir: the units' word ids in the reservoir's order, the units counted, and whether
        any sentence has two tokens.

    Example:
        >>> reservoir = unit_reservoir(result.tokens, 2000, 200, rng)  # doctest: +SKIP
    """
    kept: list[tuple[int, int]] = []   # (first, stop) corpus token of each unit in the reservoir
    units, pairable, before = 0, False, 0
    for ends in tokens.ends():
        starts = np.concatenate([[before], ends[:-1]])
        lengths = ends - starts
        pairable = pairable or bool((lengths >= 2).any())
        per = (lengths + piece - 1) // piece                       # units of each sentence
        last = np.cumsum(per)                                       # units up to each sentence's end
        for first in range(0, int(last[-1]), UNIT_CHUNK):
            stop = min(first + UNIT_CHUNK, int(last[-1]))
            numbers = np.arange(units + first, units + stop)        # 0-based unit numbers
            fill = numbers < size
            chosen = np.flatnonzero(fill)
            slots = numbers[chosen]
            if not fill.all():
                draws = rng.integers(0, numbers[~fill] + 1)
                hit = np.flatnonzero(draws < size)
                chosen = np.concatenate([chosen, np.flatnonzero(~fill)[hit]])
                slots = np.concatenate([slots, draws[hit]])
            for at, slot in zip((chosen + first).tolist(), slots.tolist()):
                s = int(np.searchsorted(last, at, side="right"))    # the sentence of this unit
                start = int(starts[s]) + (at - int(last[s] - per[s])) * piece
                unit = (start, min(start + piece, int(ends[s])))
                if slot == len(kept):
                    kept.append(unit)
                else:
                    kept[slot] = unit
        units += int(last[-1])
        before = int(ends[-1])
    return Reservoir(_read_units(tokens, kept), units, pairable)


def _read_units(tokens: AllTokens, spans: list[tuple[int, int]]) -> list[list[int]]:
    """The in-vocabulary word ids of corpus tokens first..stop-1 of each span, by small reads."""
    out = []
    with open(tokens.path, "rb") as types:
        for first, stop in spans:
            types.seek(4 * first)
            ids = tokens.word_id[np.frombuffer(types.read(4 * (stop - first)), np.int32)]
            out.append(ids[ids >= 0].tolist())
    return out


def write_text(tokens: AllTokens, path: Path, what: str) -> None:
    """The tokenised text of the corpus at `path`, as `train.prepare` writes it: one sentence per
    line, tokens separated by one space, every token (in the vocabulary or not) as it was read.

    Raises:
        EmbedkitError: `path` cannot be written (naming it, and saying `what` it holds).
    """
    types = np.empty(TOKEN_CHUNK, np.int32)
    out = np.empty(max(TEXT_BYTES, 2 * int(tokens.lengths.max(initial=0)) + 2), np.uint8)
    state = np.zeros(4, np.int64)   # next type, next end, bytes in out, tokens so far
    ends = iter(tokens.ends())
    chunk = np.zeros(0, np.int64)
    with open(tokens.path, "rb") as source, writing(path, what), open(path, "wb") as text:
        n_types = 0
        while True:
            status = _text_step(types, n_types, chunk, tokens.arena, tokens.offsets, tokens.lengths, out, state)
            if status == 1:
                n_types = source.readinto(memoryview(types).cast("B")) // 4
                state[0] = 0
                if n_types == 0:
                    break
            elif status == 2:
                chunk = next(ends)
                state[1] = 0
            else:
                text.write(memoryview(out[:state[2]]))
                state[2] = 0
        text.write(memoryview(out[:state[2]]))


@njit(cache=True, nogil=True)
def _text_step(types, n_types, ends, arena, offsets, lengths, out, state):
    """Write the words of types[state[0]:n_types] into `out`, a space after each, a newline
    after a sentence's last. Returns 1: types used up; 2: `ends` used up; 3: `out` full."""
    i, j, filled, t = state[0], state[1], state[2], state[3]
    status = 1
    while i < n_types:
        if j == ends.size:
            status = 2
            break
        w = types[i]
        n = lengths[w]
        if filled + n + 1 > out.size:
            status = 3
            break
        start = offsets[w]
        for b in range(n):
            out[filled + b] = arena[start + b]
        filled += n
        t += 1
        i += 1
        if t == ends[j]:
            out[filled] = 10
            j += 1
        else:
            out[filled] = 32
        filled += 1
    state[0], state[1], state[2], state[3] = i, j, filled, t
    return status
