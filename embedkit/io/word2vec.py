"""word2vec text and GloVe files (the binary layout is `word2vec_binary`): fast readers, exact writers.

Readers take an open binary stream (already decompressed) and the name to show in errors. They
read blocks of about 16 MiB and parse every number of a block in one call: `pyarrow.csv` when
pyarrow is installed (3-4x faster), else `np.loadtxt`; both give the same float32, bit for bit.
Only a block that does not parse goes through a line-by-line pass, which accepts what the fast
pass could not (a GloVe word holding a space, tabs between numbers) or raises `FormatError`
naming the first bad line. Writers give each row the fewest digits (7, else 9) that read back as the
identical float32, so GloVe's `0.418` stays `0.418` and a round trip is bit for bit.

Words are UTF-8. A word that does not decode is an error naming its line unless
`unicode_errors` is "replace" or "ignore" (passed to `bytes.decode`).

Memory stays proportional to the file, whatever its header claims: the first record is checked
against the header's DIM before anything of that size exists, a header's WORDS x DIM is checked
against the file's size where it is known, the slow path keeps only rows it has checked, and
pyarrow (which costs some kilobytes per column) parses only tables of at most `ARROW_MAX_DIM`
columns.
"""

from __future__ import annotations

import io
import warnings
from typing import BinaryIO, Iterator

import numpy as np
import scipy.sparse as sp

from ..errors import FormatError

BLOCK_BYTES = 16 << 20
ARROW = True  # parse numbers with pyarrow.csv when it is installed; False: always np.loadtxt
ARROW_MAX_DIM = 4096  # wider tables go to np.loadtxt: pyarrow's per-column cost would dominate
_MAX_DIGITS = 18      # header numbers beyond this are no count of anything a file holds
FORBIDDEN = " \t\n\r\x0b\x0c\x00"  # characters a word cannot hold in these formats
_BOM = b"\xef\xbb\xbf"
_USE_BINARY = "if it is a word2vec binary file, use --format word2vec-binary"


# -- reading text -------------------------------------------------------------------------------

def read_text(stream: BinaryIO, name: str, *, header: bool, unicode_errors: str = "strict",
              block_bytes: int = BLOCK_BYTES, file_bytes: int | None = None) -> tuple[list[str], np.ndarray]:
    """Words and their (n, dim) float32 matrix from word2vec text (`header=True`) or GloVe.

    word2vec text starts with a line `WORDS DIM`; GloVe has no header and takes DIM from its
    first line (a word, then DIM numbers). Each later line is a word and exactly DIM numbers.
    `file_bytes`, the bytes the stream holds when known, lets a header that claims more than the
    file can hold fail before the file is read through.
    """
    blocks = line_blocks(stream, block_bytes)
    first_block = next(blocks, None)
    if first_block is None:
        raise FormatError(name, "empty file")
    first, _, rest = first_block.partition(b"\n")
    first = first.removeprefix(_BOM)
    if header:
        count, dim = parse_header(first, name)
        line = 2
        if file_bytes is not None and file_bytes > len(first_block):  # more than one block to read:
            # can the file hold WORDS lines (a word, DIM separators and digits, a newline)?
            check_size(name, count, dim, file_bytes, len(first) + count * (2 * dim + 2), "numbers")
    else:
        count, line = None, 1
        rest = first + b"\n" + rest
        tokens = first.split()
        if b"\x00" in first or not tokens:
            _parse_lines([first], 1, 1, name, unicode_errors)  # raises: binary data, empty line
        if len(tokens) < 2:
            raise FormatError(name, "expected a word followed by its numbers", line=1)
        dim = len(tokens) - 1
    words: list[str] = []
    parts: list[np.ndarray] = []
    for block in _chain(rest, blocks):
        if not words:  # the first record, checked against DIM before a fast path allocates for it
            _parse_lines([block.partition(b"\n")[0]], line, dim, name, unicode_errors)
        block_words, matrix = _parse_block(block, line, dim, name, unicode_errors)
        if count is not None and len(words) + len(block_words) > count:
            raise FormatError(name, f"the header says {count} words but the file holds more",
                              line=count + 2)
        words += block_words
        parts.append(matrix)
        line += len(block_words)
    if count is not None and len(words) != count:
        raise FormatError(name, f"the header says {count} words but the file ends after "
                                f"{len(words)}", line=line)
    matrix = np.concatenate(parts) if parts else np.zeros((0, dim), np.float32)  # (n, dim)
    return words, matrix


def parse_header(first: bytes, name: str) -> tuple[int, int]:
    """(words, dim) from a word2vec header line `WORDS DIM`."""
    tokens = first.split()
    if (len(tokens) != 2 or not all(t.isdigit() and len(t) <= _MAX_DIGITS for t in tokens)
            or int(tokens[1]) == 0):
        shown = first[:60].decode("utf-8", "replace")
        raise FormatError(name, f"expected a header 'WORDS DIM' (two whole numbers), found {shown!r}",
                          line=1)
    return int(tokens[0]), int(tokens[1])


def header_dim(first: bytes) -> int | None:
    """DIM if `first` is a word2vec header line `WORDS DIM` (any two whole numbers), else None;
    0 for a DIM too long to be one."""
    tokens = first.removeprefix(_BOM).split()
    if len(tokens) != 2 or not all(t.isdigit() for t in tokens):
        return None
    return int(tokens[1]) if len(tokens[1]) <= _MAX_DIGITS else 0


def check_size(name: str, count: int, dim: int, file_bytes: int | None, needed: int,
                what: str) -> None:
    """Refuse a header whose WORDS x DIM need more than the `file_bytes` the file holds.

    The readers ask only of a file longer than their first block: a small file that ends early
    gets the exact message (the line where it ends), a large one is refused before it is parsed.
    """
    if file_bytes is not None and needed > file_bytes:
        raise FormatError(name, f"the header says {count:,} words of {dim:,} {what}, at least "
                                f"{needed:,} bytes, but the file holds {file_bytes:,}: the header "
                                "is wrong or the file is cut short", line=1)


def line_blocks(stream: BinaryIO, block_bytes: int) -> Iterator[bytes]:
    """Blocks of whole lines, each ending in a newline; blank lines at the very end are dropped."""
    rest = b""
    while chunk := stream.read(block_bytes):
        data = rest + chunk
        end = _content_end(data)  # hold back trailing blank lines: they may end the file
        cut = data.find(b"\n", end) if end else -1
        if 0 < end and cut < 0:
            cut = data.rfind(b"\n", 0, end)
        if cut < 0:
            rest = data
            continue
        yield data[:cut + 1]
        rest = data[cut + 1:]
    if rest.strip():
        yield rest + b"\n"


def _content_end(data: bytes) -> int:
    """len(data.rstrip()), without copying all of `data`."""
    tail = data[-4096:]
    kept = len(tail.rstrip())
    return len(data) - len(tail) + kept if kept else len(data.rstrip())


def _chain(first: bytes, blocks: Iterator[bytes]) -> Iterator[bytes]:
    if first:
        yield first
    yield from blocks


def _parse_block(block: bytes, line: int, dim: int, name: str,
                 unicode_errors: str) -> tuple[list[str], np.ndarray]:
    """Words and matrix of a block whose first line is `line`: the fast paths, else line by line."""
    if b"\x00" not in block:
        rows = block.count(b"\n")
        table = _arrow_table(block, rows, dim, " ", words=True) if ARROW else None
        if table is not None:
            words = try_decode(table[0], unicode_errors)
            if words is not None:
                return words, table[1]
        lines = block.split(b"\n")
        lines.pop()  # the block ends in a newline
        heads = [text.partition(b" ") for text in lines]  # (word, " ", numbers)
        matrix = _loadtxt(b"\n".join([head[2] for head in heads]), rows, dim, " ")
        if matrix is not None:
            words = try_decode([head[0] for head in heads], unicode_errors)
            if words is not None:
                return words, matrix
    lines = block.split(b"\n")
    lines.pop()
    return _parse_lines(lines, line, dim, name, unicode_errors)


def try_decode(words: list[bytes], unicode_errors: str) -> list[str] | None:
    """The words as str; None if one does not decode, is empty, or holds a newline."""
    if not words:
        return []
    try:
        decoded = b"\n".join(words).decode("utf-8", unicode_errors).split("\n")
    except UnicodeDecodeError:
        return None
    return decoded if len(decoded) == len(words) and "" not in decoded else None


def parse_numbers(numbers: bytes, rows: int, dim: int, sep: str = " ") -> np.ndarray | None:
    """The (rows, dim) float32 matrix of `rows` lines of `dim` numbers; None if they are not that.

    Accepts one trailing separator per line (word2vec.c and fastText write one). Numbers are
    parsed as float64 and rounded to float32, as gensim does.
    """
    table = _arrow_table(numbers, rows, dim, sep, words=False) if ARROW else None
    return table[1] if table is not None else _loadtxt(numbers, rows, dim, sep)


def _loadtxt(numbers: bytes, rows: int, dim: int, sep: str) -> np.ndarray | None:
    try:
        with warnings.catch_warnings():  # "input contained no data": caught by the shape test
            warnings.simplefilter("ignore")
            matrix = np.loadtxt(io.BytesIO(numbers), dtype=np.float32, comments=None,
                                delimiter=None if sep == " " else sep, ndmin=2)
    except ValueError:
        return None
    return matrix if matrix.shape == (rows, dim) else None


def _arrow_table(data: bytes, rows: int, dim: int, sep: str,
                 words: bool) -> tuple[list[bytes] | None, np.ndarray] | None:
    """(the first column as bytes if `words`, the (rows, dim) float32 numbers) by pyarrow.csv.

    None when pyarrow is missing, the table is wider than `ARROW_MAX_DIM`, or `data` is not
    exactly that table (then a slower path decides).
    """
    if dim > ARROW_MAX_DIM:
        return None
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as csv
    except ImportError:
        return None
    types = {f"f{i + words}": pa.float64() for i in range(dim)}
    if words:
        types["f0"] = pa.binary()
    try:
        table = csv.read_csv(
            pa.py_buffer(data),
            read_options=csv.ReadOptions(autogenerate_column_names=True),
            parse_options=csv.ParseOptions(delimiter=sep, quote_char=False, escape_char=False),
            convert_options=csv.ConvertOptions(column_types=types, null_values=[],
                                               strings_can_be_null=False))
    except pa.ArrowException:  # not a clean table: np.loadtxt, then line by line
        return None
    columns = table.columns
    if (len(columns) == dim + words + 1 and pa.types.is_string(columns[-1].type)
            and pc.max(pc.utf8_length(columns[-1])).as_py() == 0):
        columns = columns[:-1]  # the empty field after a trailing separator
    if len(columns) != dim + words or table.num_rows != rows:  # a blank line is skipped silently
        return None
    matrix = np.empty((rows, dim), dtype=np.float32)
    with np.errstate(over="ignore"):  # beyond float32: inf, as np.loadtxt gives
        for i, column in enumerate(columns[words:]):
            matrix[:, i] = column.to_numpy()
    return (columns[0].to_pylist() if words else None), matrix


def _parse_lines(lines: list[bytes], line: int, dim: int, name: str,
                 unicode_errors: str) -> tuple[list[str], np.ndarray]:
    """The slow path: one line at a time, raising `FormatError` at the first bad one.

    Each row is checked before its numbers are stored, so memory follows what the lines hold,
    not what the header says they should.
    """
    words: list[str] = []
    rows: list[np.ndarray] = []
    for row, text in enumerate(lines):
        here = line + row
        if b"\x00" in text:
            raise FormatError(name, f"binary data (NUL bytes) in a text file; {_USE_BINARY}", line=here)
        body = text.rstrip()
        if not body:
            raise FormatError(name, "empty line", line=here)
        parts = body.rsplit(None, dim)
        word, numbers = parts[0], parts[1:]
        pieces = word.split()
        if len(numbers) < dim or not pieces or len(pieces) > 1 and is_number(pieces[-1]):
            found = len(body.split()) - 1
            raise FormatError(name, f"expected a word and {_numbers(dim)}, found {_numbers(found)}",
                              line=here)
        try:
            with np.errstate(over="ignore"):
                rows.append(np.array([float(x) for x in numbers], dtype=np.float32))
        except ValueError:
            bad = next(x for x in numbers if not is_number(x))
            shown = bad[:40].decode("utf-8", "replace")
            raise FormatError(name, f"{shown!r} is not a number", line=here) from None
        try:
            words.append(word.decode("utf-8", unicode_errors))
        except UnicodeDecodeError as error:
            raise FormatError(name, f"the word {word[:40]!r} is not valid UTF-8 ({error.reason}); "
                                    "pass --unicode-errors replace to read it anyway",
                              line=here) from None
        if not words[-1]:
            raise FormatError(name, "the word is empty once its invalid bytes are dropped", line=here)
    matrix = np.stack(rows) if rows else np.zeros((0, dim), np.float32)  # (n, dim)
    return words, matrix


def _numbers(n: int) -> str:
    return f"{n} number" + ("" if n == 1 else "s")


def is_number(token: bytes) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


# -- reading binary -----------------------------------------------------------------------------


def has_control_bytes(sample: bytes) -> bool:
    """Whether `sample` holds bytes no text file holds (NUL and other controls but TAB, CR, LF)."""
    return any(byte < 32 and byte not in b"\t\n\r" for byte in sample)


def looks_binary(sample: bytes, dim: int) -> bool:
    """Whether the bytes after a `WORDS DIM` header are binary floats rather than text lines."""
    if looks_like_text_record(sample, dim):
        return False
    if has_control_bytes(sample):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start < len(sample) - 3  # not just a character cut at the end of the sample
    return False


def looks_like_text_record(sample: bytes, dim: int) -> bool:
    """Whether the first line of `sample` is a word and `dim` numbers, in text."""
    line = sample.split(b"\n", 1)[0]
    tokens = line.split()
    return (dim > 0 and len(tokens) == dim + 1 and b"\x00" not in line
            and all(is_number(x) for x in tokens[1:]))


# -- writing ------------------------------------------------------------------------------------

def write_text(stream: BinaryIO, words: list[str], matrix, *, header: bool, sep: str = " ") -> None:
    """Write word2vec text (`header=True`), GloVe, or with `words=None` a bare table of numbers.

    Every float is written with 7 significant digits when that reads back as the same float32,
    else 9 (always enough).
    """
    n, dim = matrix.shape
    if header:
        stream.write(f"{n} {dim}\n".encode())
    head = "" if words is None else "%s" + sep
    short = head + sep.join(["%.7g"] * dim) + "\n"
    full = head + sep.join(["%.9g"] * dim) + "\n"
    step = max(1, (1 << 21) // max(dim, 1))  # rows per block: about 2M numbers
    for start in range(0, n, step):
        block = dense_rows(matrix, start, start + step)  # (rows, dim) float32
        fmt = "".join([short if ok else full for ok in seven_digits_enough(block)])
        if words is None:
            values = block.astype(np.float64).ravel().tolist()
        else:
            table = np.empty((len(block), dim + 1), dtype=object)  # (rows, 1 + dim): word, numbers
            table[:, 0] = words[start:start + step]
            table[:, 1:] = block.astype(np.float64)
            values = table.ravel().tolist()
        stream.write((fmt % tuple(values)).encode("utf-8"))


def dense_rows(matrix, start: int, stop: int) -> np.ndarray:
    rows = matrix[start:stop]
    return rows.toarray() if sp.issparse(rows) else np.asarray(rows, dtype=np.float32)


_POW10 = 10.0 ** np.arange(23)  # exact in float64


def seven_digits_enough(block: np.ndarray) -> np.ndarray:
    """For each row of a float32 block, whether '%.7g' gives back every value bit for bit.

    Computes the 7-digit decimal of each value with float64 arithmetic that is exact where it
    is trusted (1e-15 < |x| < 1e6, 7 digits found, no near-tie when rounding); a value outside
    that counts as "no", which costs its row two more digits, never exactness.
    """
    x = block.astype(np.float64)
    a = np.abs(x)
    trusted = (a > 1e-15) & (a < 1e6)
    with np.errstate(all="ignore"):  # NaN and inf are not trusted; their warnings do not matter
        e = np.floor(np.log10(np.where(trusted, a, 1.0))).astype(np.int64)  # decimal exponent
        scale = _POW10[6 - e]  # 10**k, 0 <= k <= 22: x * scale has 7 digits before the point
        scaled = x * scale  # one rounding, relative error 2**-53
        digits = np.rint(scaled)
        back = digits / scale  # the decimal digits * 10**-k, correctly rounded
        size = np.abs(scaled)  # in [1e6, 1e7) if the exponent is right (rounding may carry to 1e7)
        ok = (trusted & (size >= 1e6) & (size < 1e7) & (np.abs(np.abs(scaled - digits) - 0.5) > 1e-6)
              & (back.astype(np.float32) == block))
    return (ok | (a == 0)).all(axis=1)


# -- reading a table of numbers -----------------------------------------------------------------

