"""``freedompay-cards``, the operator's command line (also ``python -m freedompay_cards``).

The package, from the top down (each module imports only those below it):

- ``__init__``: ``main``, the entry point: parses the arguments, then hands them to ``_commands.run``.
- ``_arguments``: the command tree (argparse), its help, examples and exit codes; ``_completion`` turns
  the same tree into bash and zsh completion scripts. Standard library only, so that ``--help``,
  ``--version`` and ``completion`` import neither httpx, attrs nor the generated client.
- ``_commands``: what each command does: make a client from the environment and the flags, call it, say
  what happened. ``conformance`` (``_conformance``, judging answers with ``_conformance_checks``),
  ``simulate`` (``_simulate``, through a served sandbox's reserved path) and ``sandbox``
  (``freedompay_cards.sandbox.__main__``) are imported only when they run.
- ``_target``: the client's settings from the FREEDOMPAY_* variables and the flags that replace them.
- ``_output``: results as text (a sentence, a key/value block, tables) or as JSON, and errors.
- ``_base``: the program's name, the exit codes, the streams, ``UsageError`` and ``terminal_safe``.

Exit codes (``EXIT_*``): 0 success; 1 the API answered with an error, or with an answer that is not the
documented JSON (code and request_id printed), and for ``conformance`` any deviation; 2 bad usage or
configuration (also: a refused confirmation, input the library refuses before sending); 3 no usable answer
(connection trouble, a timeout): the request_id is printed, and whether the outcome is unknown; 4 done, but
the result could not be written (standard output closed or full); 130 interrupted (for an operation that
changes something, with its request_id and the outcome unknown).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Mapping, Sequence
from typing import IO, Any

from ._arguments import add_sandbox_arguments, build_parser
from ._base import EXIT_USAGE, Streams, terminal_safe

__all__ = ["add_sandbox_arguments", "build_parser", "main"]


def main(
    argv: Sequence[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    hooks: Any = None,
) -> int:
    """Run ``freedompay-cards`` with ``argv`` (default ``sys.argv[1:]``); return the exit code.
    ``hooks`` is for tests only (see ``_conformance.Hooks``)."""
    for stream in (sys.stdout if stdout is None else None, sys.stderr if stderr is None else None):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:  # a character the output's encoding lacks is escaped, not an error
            reconfigure(errors="backslashreplace")
    streams = Streams(stdin, stdout, stderr, environ)
    parser = build_parser()
    said = io.StringIO()  # what argparse writes on stderr, passed on (and, with --json, as JSON too)
    try:
        with contextlib.redirect_stdout(streams.stdout), contextlib.redirect_stderr(said):
            args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version (0) and usage errors (2)
        streams.stderr.write(terminal_safe(said.getvalue()))
        code = done.code if isinstance(done.code, int) else EXIT_USAGE
        if code == EXIT_USAGE and "--json" in (sys.argv[1:] if argv is None else argv):
            lines = said.getvalue().strip().splitlines() or ["usage error"]
            message = lines[-1].split(": error: ", 1)[-1]
            streams.out(json.dumps({"error": {"type": "UsageError", "message": message}}, ensure_ascii=False, indent=2))
        return code
    streams.stderr.write(terminal_safe(said.getvalue()))
    if args.run == "completion":
        from ._completion import script

        streams.stdout.write(script(args.shell, parser))
        return 0
    from ._commands import run

    return run(args, streams, hooks)


if __name__ == "__main__":  # pragma: no cover - python -m freedompay_cards runs __main__.py
    sys.exit(main())
