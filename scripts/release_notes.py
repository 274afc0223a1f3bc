"""Draft the CHANGELOG's [Unreleased] entries and the next version from a spec change, in the names users
call (``cards.close(reason=)``, ``CardInfo.daily_limit``), not wire fields.

    python scripts/release_notes.py                        # since the last release; print the draft
    python scripts/release_notes.py --write                # and put it into CHANGELOG.md's [Unreleased]
    python scripts/release_notes.py --base-file old.yaml   # since another spec (make docs-update: the spec before sync)
    python scripts/release_notes.py --json

What changed comes from ``spec_diff.diff``; whether it breaks users is judged on the facade's public
surface, read statically with griffe (the docs toolchain installs it):

- a request field's type change is compatible when the facade argument that carries it already accepts the
  new type (an argument typed ``str | int`` that becomes an integer on the wire);
- a request field becoming required is compatible when the facade argument is already required;
- a request field or operation the facade never exposed (reached only through ``extra_body=``) cannot break
  a caller's facade code, but for a new *required* field of a facade method: every call made today lacks it;
- anything griffe finds broken between the facade at the base ref and the working tree's (a removed
  method, argument or result class) is breaking, whatever the spec says.

The draft lives in [Unreleased] between two markers and is replaced whole on every run, so a run since the
last release always shows the whole change since then, once. Each release heading carries the spec hash it
shipped with (``<!-- spec sha256:… commit … -->``); tests/test_release_notes.py fails when the spec's hash
differs from the last release's and [Unreleased] says nothing. Exit: 0, 2 when a spec cannot be read.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import _spec  # scripts/_spec.py: this script's folder is on sys.path when it runs
import spec_diff
from generate import spec_hash

ROOT = _spec.ROOT
CHANGELOG = ROOT / "CHANGELOG.md"
VERSION_FILE = ROOT / "facade" / "freedompay_cards" / "_version.py"
BEGIN = "<!-- release-notes: drafted from the spec by scripts/release_notes.py; review, then edit freely -->"
END = "<!-- release-notes: end -->"
# A release heading's provenance line: the spec hash it shipped with and the commit it was cut from.
RELEASE_SPEC = re.compile(r"<!--\s*spec\s+(sha256:[0-9a-f]+)(?:\s+commit\s+([0-9a-f]{7,40}))?\s*-->")
HEADING = re.compile(r"^## \[(?P<name>[^\]]+)\](?P<rest>.*)$", re.M)
# Changes of no consequence to a caller's code: how the facade retries (x-mutating, ...), which page says it.
QUIET = frozenset({"behaviour", "operationId"})
QUIET_KEYS = frozenset({"x-doc-page"})
# JSON Schema types and the Python names a facade annotation uses for them.
PYTHON_NAMES = {
    "string": ("str",),
    "integer": ("int",),
    "number": ("float", "Decimal", "int"),
    "boolean": ("bool",),
    "array": ("list", "Sequence", "tuple"),
    "object": ("dict", "Mapping"),
}


# ---------------------------------------------------------------------------------------------- CHANGELOG


@dataclass
class Release:
    name: str
    spec_hash: str | None
    commit: str | None


def sections(text: str) -> list[tuple[str, str, str]]:
    """(name, heading line, body) of each ``## [...]`` section, in order."""
    found = list(HEADING.finditer(text))
    out = []
    for i, match in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(text)
        out.append((match["name"], match.group(0), text[match.end() : end]))
    return out


def last_release(text: str) -> Release | None:
    for name, _heading, body in sections(text):
        if name.lower() == "unreleased":
            continue
        match = RELEASE_SPEC.search(body)
        return Release(name, match[1] if match else None, match[2] if match else None)
    return None


def unreleased_entries(text: str) -> list[str]:
    """The bullet lines of [Unreleased] (the draft's included)."""
    for name, _heading, body in sections(text):
        if name.lower() == "unreleased":
            return [line for line in body.splitlines() if line.lstrip().startswith("- ")]
    return []


def check(text: str, head_hash: str) -> str | None:
    """Why the CHANGELOG does not record a spec change since the last release, or None when it does."""
    release = last_release(text)
    if release is None or release.spec_hash is None:
        return "the last release heading carries no `<!-- spec sha256:... commit ... -->` line"
    if release.spec_hash != head_hash and not unreleased_entries(text):
        return (
            f"the spec ({head_hash}) differs from release {release.name}'s ({release.spec_hash}) and [Unreleased] "
            "is empty: run `python scripts/release_notes.py --write` (make docs-update does) and review the draft"
        )
    return None


def write_draft(text: str, draft: str) -> str:
    """``text`` with [Unreleased]'s drafted block replaced by ``draft`` (added first in it when absent)."""
    block = f"{BEGIN}\n{draft.rstrip()}\n{END}" if draft.strip() else ""
    if BEGIN in text and END in text:
        start, stop = text.index(BEGIN), text.index(END) + len(END)
        if not block and text[start - 2 : start] == "\n\n":
            start -= 2  # the blank line written before the block goes with it
        return text[:start] + block + text[stop:]
    for name, heading, _body in sections(text):
        if name.lower() == "unreleased":
            at = text.index(heading) + len(heading)
            return text[:at] + "\n\n" + block + text[at:] if block else text
    raise ValueError("CHANGELOG.md has no [Unreleased] section")


# ---------------------------------------------------------------------------------------------- facade


@dataclass
class Surface:
    """The facade's public surface, as griffe reads it: method parameters and result attributes."""

    params: dict[str, dict[str, tuple[str, bool]]]  # "cards.close" -> {"reason": (annotation, required)}
    returns: dict[str, str]  # "cards.info" -> "CardInfo"
    attributes: dict[str, dict[str, str]]  # "CardInfo" -> {"card_status": "str | None"}


def _griffe() -> Any:
    import griffe  # the docs toolchain's (pyproject's docs extra); imported here only

    return griffe


def load_facade(ref: str | None = None) -> Any:
    griffe = _griffe()
    if ref is None:
        return griffe.load("freedompay_cards", search_paths=[str(ROOT / "facade")], allow_inspection=False)
    return griffe.load_git("freedompay_cards", ref=ref, repo=ROOT, search_paths=["facade"], allow_inspection=False)


def surface(package: Any, resources: set[str]) -> Surface:
    params: dict[str, dict[str, tuple[str, bool]]] = {}
    returns: dict[str, str] = {}
    attributes: dict[str, dict[str, str]] = {}
    for resource in sorted(resources):
        class_name = "".join(part.title() for part in resource.split("_"))
        try:
            cls = package[f"_sync.{resource}.{class_name}"]
        except KeyError:
            continue
        for name, member in cls.members.items():
            if name.startswith("_") or not member.is_function:
                continue
            key = f"{resource}.{name}"
            params[key] = {
                p.name: (str(p.annotation or ""), p.default is None and p.kind.value != "variadic keyword")
                for p in member.parameters
                if p.name != "self"
            }
            returns[key] = str(member.returns or "")
    for name in set(returns.values()):
        try:
            target = package[name]
            target = target.final_target if target.is_alias else target
        except Exception:  # not a public class (a generic, a builtin): no attributes to list
            continue
        if getattr(target, "is_class", False):
            attributes[name] = {
                a: str(m.annotation or "")
                for a, m in target.all_members.items()
                if not a.startswith("_") and getattr(m, "is_attribute", False)
            }
    return Surface(params, returns, attributes)


def api_breakages(base_ref: str | None) -> list[str]:
    """What griffe finds broken in ``freedompay_cards``'s public API between ``base_ref`` and the tree."""
    if base_ref is None:
        return []
    griffe = _griffe()
    try:
        old, new = load_facade(base_ref), load_facade()
    except Exception as err:
        return [f"(the facade at {base_ref} could not be read: {err}; judged on the spec alone)"]
    public = _public_names(new)
    found = []
    for breakage in griffe.find_breaking_changes(old, new):
        parts = breakage.obj.path.split(".")[1:]
        if not any(part in public for part in parts):
            continue  # a private module's object that no public name leads to
        if breakage.kind == griffe.BreakageKind.OBJECT_REMOVED and _still_assigned(new, breakage.obj.path):
            continue  # an instance attribute set outside __init__ (griffe reads only __init__'s `self.x =`)
        where = ".".join(p for p in parts if not p.startswith("_") or p == "__init__")
        what = breakage.kind.value.lower()
        shown = _shown(breakage.old_value), _shown(breakage.new_value)
        found.append(f"`{where}`: {what}" + (f" ({shown[0]} -> {shown[1]})" if any(shown) else ""))
    return found


def _shown(value: Any) -> str:
    """A griffe old/new value in a few words (a parameter shows its name, an expression its text)."""
    if value is None:
        return ""
    if hasattr(value, "default") and hasattr(value, "name"):  # a parameter: its name and default
        return f"{value.name}={value.default}" if value.default is not None else value.name
    return str(getattr(value, "name", value))


def _still_assigned(package: Any, path: str) -> bool:
    owner, _, name = path.rpartition(".")
    try:
        cls = package[owner.split(".", 1)[1]]
        source = Path(cls.filepath).read_text(encoding="utf-8")
    except Exception:
        return False
    return re.search(rf"\bself\.{re.escape(name)}\s*(?::[^=]+)?=", source) is not None


def _public_names(package: Any) -> set[str]:
    exported = package.exports
    return set(exported) if exported else {n for n in package.members if not n.startswith("_")}


# ---------------------------------------------------------------------------------------------- the draft


@dataclass
class Entry:
    section: str  # Keep a Changelog heading: Added, Changed, Deprecated, Removed
    text: str
    breaking: bool


def _accepts(annotation: str, json_type: str) -> bool:
    names = PYTHON_NAMES.get(json_type.split("/")[0].strip(), ())
    words = set(re.findall(r"[A-Za-z_]+", annotation))
    return "Any" in words or any(n in words for n in names)


def _argument(op: str, wire: str, facade: Surface) -> str | None:
    """The facade argument that carries wire field ``wire`` (same name in snake case), if any."""
    leaf = wire.split(".")[-1].replace("[]", "")
    name = _spec.snake(leaf)
    return name if name in facade.params.get(op, {}) else None


def _attribute(op: str, wire: str, facade: Surface) -> str | None:
    result = facade.returns.get(op, "")
    leaf = _spec.snake(wire.split(".")[-1].replace("[]", ""))
    if leaf in facade.attributes.get(result, {}):
        return f"{result}.{leaf}"
    return None


def entries(report: list[dict[str, Any]], facade: Surface) -> list[Entry]:
    out: list[Entry] = []
    for op in report:
        name = op["name"]
        is_facade = name in facade.params
        for change in op["changes"]:
            if change["side"] == "operation" and change["kind"] in QUIET:
                continue
            if change["side"] == "operation" and change["kind"] == "docs" and change["path"] in QUIET_KEYS:
                continue
            entry = _entry(name, is_facade, change, facade)
            if all(entry.text != e.text for e in out):  # a shared answer field changes once, not once per method
                out.append(entry)
    return out


def _entry(op: str, is_facade: bool, c: dict[str, Any], facade: Surface) -> Entry:
    kind, side, path, detail, breaking = c["kind"], c["side"], c["path"], c["detail"], c["breaking"]
    call = f"`{op}`" if is_facade else f"`{op}` (no facade method yet)"
    if kind == "operation added":
        return Entry("Added", f"New operation {call}: {detail}.", False)
    if kind == "operation removed":
        return Entry("Removed", f"{call} is no longer in the vendor's docs: {detail}.", is_facade)
    if kind == "facade method renamed":
        return Entry("Changed", f"Renamed: {detail}.", True)
    if side == "operation":
        if kind == "docs" and path == "deprecated":
            return Entry("Deprecated", f"{call} is deprecated in the vendor's docs ({detail}).", False)
        if kind == "path moved":
            return Entry("Changed", f"{call}: the API moved it, {detail}; calls follow it unchanged.", breaking)
        return Entry("Changed", f"{call}: {kind} {path}: {detail}.", breaking)
    if side == "request":
        arg = _argument(op, path, facade) if is_facade else None
        where = f"`{op}({arg}=)`" if arg else f"{call}, request field `{path}` (send it with `extra_body=`)"
        if kind == "field added":  # breaking when required: every existing call of the method lacks it
            return Entry("Added", f"{where}: the API takes a new field `{path}` ({detail}).", breaking and is_facade)
        if kind == "field removed":
            return Entry("Removed", f"{where}: the API no longer documents `{path}`.", breaking and bool(arg))
        if kind == "type" and arg:
            new_type = detail.split("->")[-1].strip()
            annotation = facade.params[op][arg][0]
            if _accepts(annotation, new_type):
                text = f"{where}: the wire type is now {new_type}; the argument (`{annotation}`) already takes it."
                return Entry("Changed", text, False)
        if kind == "required" and arg and facade.params[op][arg][1] and "-> required" in detail:
            return Entry("Changed", f"{where}: now required by the API; the argument already was.", False)
        return Entry("Changed", f"{where}: {kind}: {detail}.", breaking and (bool(arg) or kind != "field added"))
    attr = _attribute(op, path, facade) if is_facade else None
    nested = "." in path or "[]" in path  # an item's field: a nested result class, judged as the spec says
    exposed = bool(attr) or (is_facade and nested)
    if attr:
        where = f"`{attr}`"
    elif exposed:
        where = f"{call}, answer field `{path}`"
    else:
        where = f"{call}, answer field `{path}` (in the result's `extra`)"
    if kind == "field added":
        return Entry("Added", f"{where}: the answer carries a new field `{path}` ({detail}).", False)
    if kind == "field removed":
        return Entry("Removed", f"{where}: the answer no longer documents `{path}`.", breaking and exposed)
    return Entry("Changed", f"{where}: {kind}: {detail}.", breaking and exposed)


def next_version(current: str, last: str | None, breaking: bool) -> str:
    """The version the changes call for, never below the one _version.py already plans."""

    def parts(v: str) -> tuple[int, int, int]:
        major, minor, patch, *_ = [*(int(x) for x in re.findall(r"\d+", v.split(".dev")[0])[:3]), 0, 0, 0]
        return major, minor, patch

    def shown(v: tuple[int, int, int]) -> str:
        return ".".join(map(str, v))

    planned = parts(current)
    if last is None:
        return shown(planned)
    major, minor, patch = parts(last)
    bump = (major + 1, 0, 0) if major >= 1 else (0, minor + 1, 0)
    return shown(max(planned, bump if breaking else (major, minor, patch + 1)))


def render(found: list[Entry], breakages: list[str], version: str, base_label: str, base: str, head: str) -> str:
    if not found and not breakages:
        return ""
    lines = [f"Spec {base} -> {head} (since {base_label}); next version: {version}."]
    order = ("Added", "Changed", "Deprecated", "Removed")
    for section in order:
        chosen = [e for e in found if e.section == section]
        if chosen:
            lines.append("")
            lines.append(f"#### {section} (from the vendor's docs)")
            lines.append("")
            lines += [f"- {'**Breaking:** ' if e.breaking else ''}{e.text}" for e in chosen]
    if breakages:
        lines.append("")
        lines.append("#### Breaking in the facade's public API")
        lines.append("")
        lines += [f"- {b}" for b in breakages]
    return "\n".join(lines)


def current_version() -> str:
    match = re.search(r'__version__\s*=\s*"([^"]+)"', VERSION_FILE.read_text(encoding="utf-8"))
    return match[1] if match else "0.0.0"


def release_base(text: str) -> tuple[dict[str, Any] | None, str, str | None]:
    """The spec the last release shipped, its label and its commit (None when the CHANGELOG names none)."""
    release = last_release(text)
    if release is None or release.commit is None:
        return None, "no release", None
    return spec_diff.read_at_ref(release.commit), f"release {release.name}", release.commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--base", metavar="REF", help="git ref of the old spec (default: the last release's commit)")
    source.add_argument("--base-file", metavar="PATH", type=Path, help="the old spec as a file")
    parser.add_argument("--spec", metavar="PATH", type=Path, default=_spec.SPEC, help="the new spec")
    parser.add_argument("--changelog", metavar="PATH", type=Path, default=CHANGELOG)
    parser.add_argument("--write", action="store_true", help="put the draft into the CHANGELOG's [Unreleased]")
    parser.add_argument("--json", action="store_true", help="print the draft as JSON")
    args = parser.parse_args(argv)
    try:
        text = args.changelog.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        print(f"release-notes: cannot read {args.changelog}: {err}", file=sys.stderr)
        return 2
    try:
        head = spec_diff.read_file(args.spec)
        ref: str | None
        if args.base_file is not None:
            base, label, ref = spec_diff.read_file(args.base_file), str(args.base_file), None
        elif args.base is not None:
            base, label, ref = spec_diff.read_at_ref(args.base), args.base, args.base
        else:
            found_base, label, ref = release_base(text)
            base = found_base if found_base is not None else head
    except (spec_diff.ReadError, _spec.SpecError) as err:
        print(f"release-notes: {err}", file=sys.stderr)
        return 2
    report = spec_diff.diff(base, head)
    resources = {op["name"].split(".")[0] for op in report if "." in op["name"]}
    facade = surface(load_facade(), resources) if resources else Surface({}, {}, {})
    found = entries(report, facade)
    breakages = api_breakages(ref)
    breaking = any(e.breaking for e in found) or bool(breakages)
    release = last_release(text)
    version = next_version(current_version(), release.name if release else None, breaking)
    draft = render(found, breakages, version, label, spec_hash(base), spec_hash(head))
    if args.write:
        args.changelog.write_text(write_draft(text, draft), encoding="utf-8")
    if args.json:
        document = {
            "base": {"source": label, "hash": spec_hash(base)},
            "head": {"hash": spec_hash(head)},
            "next_version": version,
            "breaking": breaking,
            "entries": [asdict(e) for e in found],
            "api_breakages": breakages,
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(draft or f"no spec change since {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
