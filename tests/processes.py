"""Child processes the tests interrupt as a person would, with Ctrl-C (SIGINT)."""

from __future__ import annotations

import signal
import subprocess
from typing import Any


def _default_sigint() -> None:
    # A shell starts a background job with SIGINT ignored, and an ignored signal stays ignored across exec:
    # Python then installs no KeyboardInterrupt handler. Give the child the default, as a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interruptible(args: list[str], **options: Any) -> subprocess.Popen[str]:
    """``subprocess.Popen(args, text=True, **options)`` whose process stops on SIGINT however the tests
    were started (in the background included)."""
    return subprocess.Popen(args, text=True, preexec_fn=_default_sigint, **options)
