"""``Any`` appears in no public signature, except as the value type of a pass-through mapping (an
answer's JSON kept in ``extra``, a merchant object, extra request fields): every public method, function,
result field and constructor of the package and the sandbox is checked."""

from __future__ import annotations

import collections.abc
import inspect
import typing
from collections.abc import Callable, Iterator
from typing import Any

import attrs
import pytest

import freedompay_cards as fp
from freedompay_cards import sandbox

MAPPINGS = (dict, collections.abc.Mapping, collections.abc.MutableMapping)


def offending(annotation: Any) -> bool:
    """Does ``annotation`` hold ``Any`` other than as a mapping's value type?"""
    if annotation is Any:
        return True
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in MAPPINGS and len(args) == 2:
        return offending(args[0]) or (args[1] is not Any and offending(args[1]))
    if origin is typing.Unpack or origin is collections.abc.Callable:
        return any(offending(a) for a in args if a is not Ellipsis and not isinstance(a, list)) or any(
            offending(x) for a in args if isinstance(a, list) for x in a
        )
    return any(offending(a) for a in args if a is not Ellipsis)


def callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    """Every public callable: the package's names, their public methods, the clients' resources and the
    sandbox's public names."""
    seen: set[int] = set()

    def of(owner: str, obj: Any) -> Iterator[tuple[str, Callable[..., Any]]]:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if inspect.isclass(obj):
            if obj.__module__.split(".")[0] not in ("freedompay_cards",):
                return
            yield f"{owner}.__init__", obj.__init__
            for name, member in vars(obj).items():
                if not name.startswith("_") and callable(member):
                    yield f"{owner}.{name}", member
        elif callable(obj) and getattr(obj, "__module__", "").startswith("freedompay_cards"):
            yield owner, obj

    for name in fp.__all__:
        yield from of(f"fp.{name}", getattr(fp, name))
    for name in sandbox.__all__:
        yield from of(f"sandbox.{name}", getattr(sandbox, name))
    client = fp.CardClient("1", "s")
    aclient = fp.AsyncCardClient("1", "s")
    for each in (client, aclient):
        for name, resource in vars(each).items():
            if not name.startswith("_") and type(resource).__module__.rsplit(".", 1)[-1] == name:
                yield from of(f"{type(each).__name__}.{name}", type(resource))
    client.close()


def _names() -> dict[str, Any]:
    """What annotations name under TYPE_CHECKING imports: the public names, the generated models, the
    sync/async client classes, the option types."""
    import sys
    import uuid

    import httpx

    from freedompay_card_api import models
    from freedompay_cards import _options, _raw_resources

    names: dict[str, Any] = {name: getattr(fp, name) for name in fp.__all__}
    names.update({"m": models, "httpx": httpx, "uuid": uuid, "sys": sys})
    names.update({k: v for k, v in vars(_options).items() if inspect.isclass(v)})
    names.update({k: v for k, v in vars(_raw_resources).items() if inspect.isclass(v)})
    names.update({name: getattr(sandbox, name) for name in sandbox.__all__})
    from freedompay_cards.sandbox._world import Done

    names["Done"] = Done
    return names


def hints(fn: Callable[..., Any]) -> dict[str, Any]:
    target = fn.__init__ if inspect.isclass(fn) else fn
    module = inspect.getmodule(inspect.unwrap(target))
    namespace = {**_names(), **(vars(module) if module else {})}
    return typing.get_type_hints(target, globalns=namespace, include_extras=True)


@pytest.mark.parametrize(("name", "fn"), list(callables()), ids=[name for name, _ in callables()])
def test_no_any_in_a_public_signature(name: str, fn: Callable[..., Any]) -> None:
    found = hints(fn)
    assert name.endswith("__init__") or found or not inspect.signature(fn).parameters, f"{name}: no annotations"
    bad = {param: annotation for param, annotation in found.items() if offending(annotation)}
    assert not bad, f"{name}: Any in {bad}"


def test_no_any_in_a_result_field() -> None:
    bad = []
    for name in fp.__all__:
        cls = getattr(fp, name)
        if inspect.isclass(cls) and attrs.has(cls):
            for attribute, annotation in typing.get_type_hints(cls).items():
                if offending(annotation):
                    bad.append(f"{name}.{attribute}: {annotation}")
    assert not bad


def test_the_checker_can_fail() -> None:
    assert offending(Any) and offending(list[Any]) and offending(tuple[Any, ...]) and offending(Callable[[Any], int])
    assert not offending(dict[str, Any]) and not offending(collections.abc.Mapping[str, Any])


def test_limit_scope_names_exactly_the_spec_s_limit_object_types() -> None:
    from freedompay_card_api.models.limit_object_type import LimitObjectType

    assert {scope.value for scope in fp.LimitScope} == {kind.value for kind in LimitObjectType}


@pytest.mark.parametrize("package", ["freedompay_cards._models", "freedompay_cards._convert"])
def test_the_lazy_names_and_what_type_checkers_see_are_the_same_list(package: str) -> None:
    # _MODULE_OF serves names at run time; the TYPE_CHECKING imports show them to type checkers: a name in
    # only one of them would type-check and fail at run time, or the other way round
    import ast
    import importlib
    from pathlib import Path

    module = importlib.import_module(package)
    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    guarded = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    seen = {
        alias.asname or alias.name: "." * node.level + (node.module or "")
        for node in guarded.body if isinstance(node, ast.ImportFrom) for alias in node.names
    }  # fmt: skip
    assert seen == dict(module._MODULE_OF)
