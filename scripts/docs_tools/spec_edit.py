"""Editing openapi/card-api.yaml in place, as a person would: round-trip YAML (ruamel.yaml) that keeps comments,
key order, quoting and flow style, and schema surgery that never edits a shared component for one operation.

Writing back (:func:`write_back`) patches the original text with only the lines the edit changed: ruamel's
output of the unedited document is diffed against its output of the edited one, and those hunks are applied
to the file as it was. A construct ruamel does not reproduce byte for byte (a flow mapping whose unquoted
comma YAML reads as a second key, say) is therefore left exactly as written unless the edit touches it.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
from collections.abc import Collection, Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

SCHEMAS = "#/components/schemas/"


class EditError(Exception):
    """The spec cannot be read or written back; the message says why."""


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line the file keeps on one
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str) -> CommentedMap:
    try:
        document = _yaml().load(text)
    except Exception as exc:  # ruamel raises many unrelated classes; every one means "cannot read"
        raise EditError(f"cannot read the spec as YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(document, CommentedMap):
        raise EditError("the spec is not a YAML mapping")
    return document


_PATH_KEY = re.compile(r"^  /\S*:\s*$")


def dump(document: Any, spaced: Collection[str] = ()) -> str:
    """The document as YAML. The paths in ``spaced`` (inserted ones), and the path after each, start after a
    blank line, as the spec writes its paths: ruamel keeps a blank line with the block it follows."""
    out = io.StringIO()
    _yaml().dump(document, out)
    lines = out.getvalue().split("\n")
    keys = {f"  {path}:" for path in spaced}
    for i in range(len(lines) - 1, 0, -1):
        new = lines[i].rstrip() in keys
        after_new = (
            _PATH_KEY.match(lines[i])
            and any(lines[j].rstrip() in keys for j in range(i - 1, -1, -1) if _PATH_KEY.match(lines[j]))
            and next(lines[j].rstrip() for j in range(i - 1, -1, -1) if _PATH_KEY.match(lines[j])) in keys
        )
        before = lines[i - 1].strip()
        if (new or after_new) and before and not before.startswith("#") and before != "paths:":
            lines.insert(i, "")
    return "\n".join(lines)


def write_back(original: str, baseline: str, edited: str) -> str:
    """``original`` with the changes between ``baseline`` (ruamel's output of the unedited document) and
    ``edited`` (its output of the edited one) applied; EditError when a change touches a line ruamel does not
    reproduce as written (the edit would rewrite text nobody meant to change)."""
    if baseline == original:
        return edited
    ours, base, theirs = original.splitlines(True), baseline.splitlines(True), edited.splitlines(True)
    # base line -> original line, where the two agree
    where: dict[int, int] = {}
    for block in difflib.SequenceMatcher(None, base, ours, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            where[block.a + k] = block.b + k
    out: list[str] = []
    cursor = 0  # next original line not yet copied
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, base, theirs, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        touched = range(i1, i2) if i2 > i1 else range(i1, min(i1 + 1, len(base)))
        missing = [i for i in touched if i not in where]
        if missing:
            raise EditError(
                f"the edit touches line {missing[0] + 1} of the spec as ruamel.yaml writes it, which differs from "
                "the file as written: fix that construct by hand (quote it), then sync again"
            )
        start = where[i1] if i1 < len(base) else len(ours)
        end = where[i2 - 1] + 1 if i2 > i1 else start
        out += ours[cursor:start] + theirs[j1:j2]
        cursor = end
    return "".join(out + ours[cursor:])


# ---------------------------------------------------------------------------------------------- schemas


def flow(mapping: dict[str, Any] | None = None) -> CommentedMap:
    node = CommentedMap(mapping or {})
    node.fa.set_flow_style()
    return node


def flow_list(values: list[Any]) -> CommentedSeq:
    node = CommentedSeq(values)
    node.fa.set_flow_style()
    return node


def ref_name(node: Any) -> str | None:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref[len(SCHEMAS) :] if isinstance(ref, str) and ref.startswith(SCHEMAS) else None


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        name = ref_name(node)
        if name:
            yield name
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


class Schemas:
    """The spec's ``components.schemas``, and the one way to make part of an operation's schema its own."""

    def __init__(self, document: CommentedMap) -> None:
        self.document = document
        self.all: CommentedMap = document.setdefault("components", CommentedMap()).setdefault("schemas", CommentedMap())
        self.made: list[str] = []  # components this sync created, in order ("X (copy of Y for op)")

    def uses(self, name: str) -> int:
        return sum(1 for found in _refs(self.document) if found == name)

    def unique(self, name: str) -> str:
        candidate, n = name, 2
        while candidate in self.all:
            candidate, n = f"{name}{n}", n + 1
        return candidate

    def resolve(self, node: Any) -> Any:
        for _ in range(20):
            name = ref_name(node)
            if name is None:
                return node
            node = self.all.get(name)
        return node

    def own(self, holder: Any, key: Any, hint: str, owner: str) -> CommentedMap:
        """The schema at ``holder[key]``, made the operation's own first: a ``$ref`` to a component some other
        place also uses is pointed at a copy named ``hint`` (the original stays as it is for the others)."""
        node = holder[key]
        name = ref_name(node)
        if name is None:
            return node  # inline: already this place's own
        if self.uses(name) <= 1:
            return self.own(self.all, name, hint, owner)
        target = self.all[name]
        fresh = self.unique(hint)
        copied = copy.deepcopy(target)
        if isinstance(copied, dict):
            copied["description"] = (
                f"{name}, as {owner} uses it: its own copy, made by docs-sync when its page changed it "
                f"(the other users of {name} are unchanged)."
            )
            if list(copied)[-1] == "description":  # keep the description first, as the file's schemas have it
                copied.move_to_end("description", last=False)
        self.all[fresh] = copied
        self.made.append(f"{fresh} (copy of {name} for {owner})")
        replacement = flow({"$ref": SCHEMAS + fresh})
        holder[key] = replacement
        return self.own(self.all, fresh, hint, owner)
