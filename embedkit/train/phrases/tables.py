"""The layout of the phrase kernels' tables: constants shared by `words` and `counts`."""

_FREE = 0                 # a free row of a table (its second key column; keys are stored + 1)
_MAX_IDS = 1 << 31        # distinct words and pieces: a key holds two ids in 64 bits
_LOW32 = 0xFFFFFFFF
_UNSET = -3               # a word's inner pieces not yet looked up in the trie
_MISSING = -4             # a middle the trie does not hold: nothing with it was counted
_LOAD = 0.7               # tables grow beyond this fill

# columns of the per-string matrix: one row (one cache line) per distinct word or piece
W_OFFSET, W_BYTES, W_PIECES, W_NPIECES, W_CONNECTOR, W_MIDDLE, W_COUNT, W_HASH = range(8)
# the state vector
S_ENTRIES, S_MIN_REDUCE, S_WORDS, S_NODES, S_PRUNES, S_ROWS, S_STRINGS, S_TEXT, S_POOL = range(9)
