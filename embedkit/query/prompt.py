"""`embedkit query`: an interactive prompt over one set of vectors.

`QuerySession.answer(line)` turns one line into the text to show (pure, easy to test);
`run(session)` is the loop around it: readline history and word completion on a terminal, plain
line reading when stdin is a pipe, so `echo "king" | embedkit query VECTORS` works too.
A user's mistake (an unknown word, a bad expression) prints one line and the prompt goes on.
"""

from __future__ import annotations

import bisect
import os
import re
import sys

import click

from .. import query
from ..display import format_table
from ..errors import EmbedkitError
from ..vectors import Vectors
from .ties import tie_note

PROMPT = "> "
HISTORY = os.path.join("~", ".embedkit_history")

HELP = """\
  king                    nearest words to king
  king queen              nearest words to the mean of king and queen
  king - man + woman      vector arithmetic (3CosAdd); king-man+woman works too
  sim cat dog             cosine similarity of two words
  odd breakfast lunch car the word that does not belong (3 words or more)
  topn 5                  show 5 answers from now on
  restrict 30000          answer only from the 30,000 most frequent words ('restrict off')
  ? or help               this help
  quit, exit or Ctrl-D    leave"""


_ATOMS = re.compile(r"[+-]|[^+-]+")


def parse_expression(line: str, vocabulary=()) -> tuple[list[str], list[str]]:
    """Positive and negative words of `king - man + woman` (also `king -man +woman`, `king-man+woman`).

    A `+` or `-` inside a token counts as an operator only where the token is not itself a word of
    `vocabulary` (GloVe has '-', '--' and 'x-ray'): a token not in it is cut at its signs, and the
    longest runs of pieces that are words ('x-ray' in 'x-ray-man') are put back together. A
    line of one token in `vocabulary`, or one that cuts into no word at all ('-'), is a word.

    Raises:
        EmbedkitError: an operator with no word after it, or two operators in a row.

    Example:
        >>> parse_expression("king-man+woman", {"king", "man", "woman"})
        (['king', 'woman'], ['man'])
    """
    tokens = line.split()
    if len(tokens) == 1 and tokens[0] in vocabulary:
        return tokens, []
    pieces = [piece for token in tokens for piece in _pieces(token, vocabulary)]
    if len(tokens) == 1 and all(piece in ("+", "-") for piece in pieces):
        return tokens, []  # '-' alone is the word '-'
    positive, negative, sign = [], [], None
    for piece in pieces:
        if piece in ("+", "-"):
            if sign is not None:
                raise EmbedkitError(f"two operators in a row in {line.strip()!r}")
            sign = piece
            continue
        (negative if sign == "-" else positive).append(piece)
        sign = None
    if sign is not None:
        raise EmbedkitError(f"{line.strip()!r} ends with {sign!r}; expected a word after it")
    return positive, negative


def _pieces(token: str, vocabulary) -> list[str]:
    """`token` as words and operators: itself when it is a word (or a lone sign), else cut at its
    signs, each longest run of pieces that forms a word of `vocabulary` kept whole."""
    if token in ("+", "-") or token in vocabulary:
        return [token]
    atoms = _ATOMS.findall(token)
    out, i = [], 0
    while i < len(atoms):
        for j in range(len(atoms), i + 1, -1):  # the longest run of two pieces or more that is a word
            if "".join(atoms[i:j]) in vocabulary:
                out.append("".join(atoms[i:j]))
                i = j
                break
        else:
            out.append(atoms[i])
            i += 1
    return out
def composed_note(vectors: Vectors, words) -> str:
    """One line per query word without a row whose vector is composed from subwords; "" if none.

    Example:
        >>> composed_note(vectors, ["unfriendliness"])  # doctest: +SKIP
        "'unfriendliness' is not in the vocabulary: its vector is composed from its character n-grams"
    """
    return "\n".join(f"{word!r} is not in the vocabulary: its vector is composed from its character n-grams"
                     for word in vectors.composed(words))


def with_note(vectors: Vectors, words, text: str) -> str:
    """`text` under the `composed_note` of `words`, when there is one."""
    note = composed_note(vectors, words)
    return f"{note}\n{text}" if note else text


def neighbors_table(answers, header: str = "cosine") -> str:
    return format_table([(i, word, score) for i, (word, score) in enumerate(answers, 1)],
                        ["rank", "word", header])


def similarity_table(a: str, b: str, cosine: float) -> str:
    return format_table([(a, b, cosine)], ["word1", "word2", "cosine"])


def centrality_table(ranking) -> str:
    last = len(ranking) - 1
    rows = [(word, cos, "<- odd one out" if i == last else "") for i, (word, cos) in enumerate(ranking)]
    return format_table(rows, ["word", "cosine to mean", ""], align="lrl")


class QuerySession:
    """The state of one prompt session (vectors, topn, restrict) and the answer to each line."""

    def __init__(self, vectors: Vectors, topn: int = 10, restrict: int | None = None):
        self.vectors = vectors
        self.topn = topn
        self.restrict = restrict

    def answer(self, line: str) -> str | None:
        """What to print for `line` ("" for nothing); None when the session should end."""
        words = line.split()
        if not words:
            return ""
        command, rest = words[0], words[1:]
        if len(words) == 1 and command in ("quit", "exit"):
            return None
        if len(words) == 1 and command in ("?", "help"):
            return HELP
        try:
            if command == "sim" and rest:
                if len(rest) != 2:
                    raise EmbedkitError("usage: sim WORD1 WORD2")
                return with_note(self.vectors, rest, similarity_table(*rest, query.similarity(self.vectors, *rest)))
            if command == "odd" and rest:
                if len(rest) < 3:
                    raise EmbedkitError("usage: odd WORD WORD WORD ... (3 words or more)")
                return with_note(self.vectors, rest, centrality_table(query.rank_by_centrality(self.vectors, rest)))
            if command in ("topn", "restrict") and len(rest) == 1:
                return self._set(command, rest[0])
            positive, negative = parse_expression(line, self.vectors.index)
            answers = query.most_similar(self.vectors, positive, negative, self.topn, self.restrict)
            note = tie_note(self.vectors, answers)
            text = with_note(self.vectors, positive + negative, neighbors_table(answers))
            return text + (f"\nNote: {note}." if note else "")
        except EmbedkitError as error:
            return f"Error: {error}"

    def _set(self, name: str, value: str) -> str:
        if name == "restrict" and value in ("off", "none", "0"):
            self.restrict = None
            return "restrict off: answers come from the whole vocabulary"
        if not value.isdigit() or int(value) < 1:
            raise EmbedkitError(f"usage: {name} N, with N a positive whole number")
        setattr(self, name, int(value))
        return f"{name} = {int(value)}"


class _Completer:
    """readline completion of vocabulary words, by prefix, over a sorted copy made on first use."""

    def __init__(self, words):
        self.words = words
        self.sorted = None
        self.matches = []

    def __call__(self, text: str, state: int):
        if state == 0:
            if self.sorted is None:
                self.sorted = sorted(self.words)
            start = bisect.bisect_left(self.sorted, text)
            end = bisect.bisect_left(self.sorted, text + "\U0010ffff")
            self.matches = self.sorted[start:min(end, start + 200)]
        return self.matches[state] if state < len(self.matches) else None


def _setup_readline(words) -> None:
    """History (kept in ~/.embedkit_history) and Tab completion, when readline is available."""
    try:
        import atexit
        import readline
    except ImportError:  # Windows without pyreadline
        return
    history = os.path.expanduser(HISTORY)
    try:
        readline.read_history_file(history)
    except OSError:
        pass
    readline.set_history_length(1000)

    def save():
        try:
            readline.write_history_file(history)
        except OSError:
            pass

    atexit.register(save)
    readline.set_completer(_Completer(words))
    readline.set_completer_delims(" \t\n")
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")


def run(session: QuerySession) -> None:
    """Read lines from stdin and print each answer, until EOF or `quit`.

    On a terminal: a banner, a `> ` prompt, history and completion; Ctrl-C clears the line or
    stops the question being answered.
    From a pipe: no banner; each question is echoed after the prompt (`> king`) before its
    answer, so that the output reads as the session would on a terminal.
    """
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    if interactive:
        _setup_readline(session.vectors.words)
        n, dim = session.vectors.shape
        click.echo(f"{n:,} words x {dim} dims. Type a word or 'king - man + woman'; "
                   f"'?' for help, Ctrl-D to leave.")
    while True:
        try:
            line = input(PROMPT) if interactive else sys.stdin.readline()
            if not interactive and not line:  # EOF on a pipe
                break
            if not interactive and line.strip():
                click.echo(PROMPT + line.strip())
            reply = session.answer(line)
        except EOFError:
            if interactive:
                click.echo()
            break
        except KeyboardInterrupt:  # clears the line, or stops a long question
            if not interactive:
                raise
            click.echo()
            continue
        if reply is None:
            break
        if reply:
            click.echo(reply)
