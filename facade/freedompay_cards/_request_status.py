"""``RequestStatus``, apart from the other enums (``_enums``, which re-exports it): every result reads it, so a
program's first call loads this one enum and builds none of the five it does not use (each enum class costs a
fresh process some 70 µs to build)."""

from __future__ import annotations

from enum import StrEnum


class RequestStatus(StrEnum):
    """Processing state of an operation (documented). Results keep the raw string, so a value the API
    adds later still arrives; compare with these members."""

    SUCCESS = "success"
    PROCESS = "process"
    ERROR = "error"
