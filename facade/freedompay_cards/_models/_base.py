"""What every result shares: ``extra`` and the answer paths a result maps, lazily decoded sequences."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

import attr
from attr import field

from .._errors import UnexpectedResponseError
from .._redact import Secret, mask_pan

T = TypeVar("T")


# What reading an item may raise when the answer is not as documented.
_FAILURES = (UnexpectedResponseError, ValueError, KeyError, TypeError, AttributeError, ArithmeticError, RecursionError)


class LazyResults(Sequence[T]):
    """A read-only sequence whose items are decoded from the answer only when used (iteration, indexing).

    Holding one costs about the size of the JSON answer; iterating it holds one item at a time. An item
    that turns out not to match the documented shape raises ``UnexpectedResponseError`` when reached.
    """

    __slots__ = ("_convert", "_items", "_name")

    def __init__(self, items: Any, convert: Callable[[Any], T], name: str) -> None:
        self._items = items  # _core.LazyArray
        self._convert = convert
        self._name = name

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        try:
            return self._convert(self._items.item(index))
        except _FAILURES as exc:
            raise self._failure(index, exc) from None

    def __iter__(self) -> Iterator[T]:
        items, convert = self._items, self._convert
        for index in range(len(items)):  # __getitem__ without its checks: the index is in range
            try:
                result = convert(items.item(index))
            except _FAILURES as exc:
                raise self._failure(index, exc) from None
            yield result

    def _failure(self, index: int, exc: BaseException) -> UnexpectedResponseError:
        """The error item ``index`` raises: ``exc`` when it is one already, named after the operation."""
        if isinstance(exc, UnexpectedResponseError):
            exc.operation = exc.operation or self._name
            return exc
        problem = str(exc) if isinstance(exc, ValueError) and str(exc) else type(exc).__name__
        return UnexpectedResponseError(
            f"item {index} of the answer is not the documented JSON: {problem}", operation=self._name
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<{len(self)} items, decoded on use>"


def _extra(value: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``value``. Not ``converter=dict``: type checkers take a converter's parameter as the
    field's ``__init__`` type, and ``dict``'s overloads would make it a union of unbound type variables."""
    return dict(value)


NOT_IN_ANSWER: dict[str, Any] = {"answer": None}  # metadata of a result field that no answer field fills


def _extra_field() -> Any:
    return field(factory=dict, converter=_extra, repr=False, eq=False, metadata=NOT_IN_ANSWER)


def _from(path: str) -> dict[str, Any]:
    """Metadata of a result field filled from the answer field at ``path`` (dotted for nested objects)."""
    return {"answer": path}


def answer_paths(cls: type) -> frozenset[str]:
    """The answer fields a result class maps (its fields' names, or their ``answer`` metadata); the
    envelope's ``status`` is always consumed (a result exists only for ``ok``)."""
    cached: frozenset[str] | None = cls.__dict__.get("_answer_paths")
    if cached is None:
        paths = {"status"}
        for item in attr.fields(cls):
            path = item.metadata.get("answer", item.name)
            if path is not None:
                paths.add(path)
        cached = frozenset(paths)
        type.__setattr__(cls, "_answer_paths", cached)
    return cached


class _ItemSequence(Sequence[T]):
    """A result that reads as the sequence of its items (``_items``): ``len``, indexing, iteration."""

    __slots__ = ()

    def _items(self) -> tuple[T, ...]:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self._items())

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...
    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        return self._items()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._items())


def secret_pan(value: str) -> Secret:
    return Secret(value, masked=mask_pan(value))
