"""Deferred imports: what a client needs only once it makes a call (attrs result classes, converters,
generated models) is imported then, keeping ``import freedompay_cards`` close to ``import httpx``."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, cast


class LazyModule:
    """Stands for the module ``name``, importing it on first attribute access."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def attribute_loader(package: str, module_of: Mapping[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) for ``package``: ``name`` comes from the module ``module_of[name]``
    (relative to ``package``), imported on first use and kept in ``namespace`` (the package's globals), so
    each name is looked up once."""

    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    return __getattr__


class LazyPattern:
    """A regular expression compiled on its first use: ``re.compile`` costs 20 to 200 µs a pattern, and a
    fresh process's first call uses few of the patterns the modules it imports define (redaction of free
    text, argument checks of other operations). After the first use each method is a plain attribute, as
    fast as the compiled pattern's own."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):  # copy, pickle and the like look for dunders: never compile for them
            raise AttributeError(attr)
        value = getattr(re.compile(*self.__dict__["_source"]), attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy pattern {self._source[0]!r}>"


def lazy_pattern(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use (``LazyPattern``), typed as the pattern it
    stands for."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))
