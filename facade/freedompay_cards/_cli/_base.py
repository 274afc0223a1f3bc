"""What every part of the command line shares: its name, its exit codes, the streams it reads and writes,
the usage error, and how text from a server is made safe for a terminal. Standard library only."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Mapping
from typing import IO

PROG = "freedompay-cards"
EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_ANSWER = 3
EXIT_NOT_WRITTEN = 4
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A command refused before anything was sent (exit 2)."""


# Characters written as \u escapes (the form is also a valid escape inside a JSON string, so --json output
# still parses to exactly what the server sent): text from a server must not move the cursor, recolour or
# retitle the operator's terminal (C0, DEL, C1), reorder what is shown (bidi controls such as U+202E and
# U+2066-2069), hide text (zero-width characters, the TAG block: category Cf), or break a line where the
# terminal sees none (U+2028, U+2029). Tab and newline are ours. A character outside the BMP is written as
# its JSON surrogate pair.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def _escape(code: int) -> str:
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


class _Escapes(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character (a character left as it is maps
    to itself)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        shown = _escape(code) if code not in (9, 10) and unicodedata.category(char) in _ESCAPED_CATEGORIES else char
        self[code] = shown
        return shown


_ESCAPES = _Escapes()


def terminal_safe(text: str) -> str:
    """``text`` with every character that could mislead a terminal written as a ``\\u`` escape."""
    return text.translate(_ESCAPES)


class Streams:
    """Where a command reads and writes, and the environment it reads credentials from. Everything
    written goes through ``terminal_safe``."""

    def __init__(
        self,
        stdin: IO[str] | None = None,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        import os

        self.stdin = stdin if stdin is not None else sys.stdin
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.environ: Mapping[str, str] = environ if environ is not None else os.environ

    def is_terminal(self, stream: IO[str]) -> bool:
        try:
            return bool(stream.isatty())
        except (AttributeError, ValueError):
            return False

    def out(self, text: str = "") -> None:
        self.stdout.write(terminal_safe(text) + "\n")

    def err(self, text: str = "") -> None:
        self.stderr.write(terminal_safe(text) + "\n")

    def ask(self, question: str) -> bool:
        """Ask a yes/no question on the terminal (no is the default)."""
        self.stderr.write(terminal_safe(f"{question} [y/N] "))
        self.stderr.flush()
        answer = self.stdin.readline()
        return answer.strip().lower() in {"y", "yes"}
