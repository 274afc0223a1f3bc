"""What the scripts share (generate, spec_report, docs_check, docs_hooks, spec_diff, new_operation).

Reading an OpenAPI document: load it, follow ``$ref``, merge ``allOf`` objects. Plain functions on the
parsed document (a dict), so they serve the project's spec (OpenAPI 3.1) and the vendor's page documents
(OpenAPI 3.0) alike. PyYAML is imported only by ``load``: it is a dev dependency.

And the few facts more than one script states: the doc statuses, the public methods that are no operation
of their own, how a CamelCase name is written in snake case, and how written files are tidied with ruff.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "card-api.yaml"


def snake(name: str) -> str:
    """``CamelCase`` as ``camel_case``: a schema's generated module name (``IssueCardRequest`` is in
    ``issue_card_request.py``), the snake form of a field or class name."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def ruff_env() -> dict[str, str]:
    """The environment for the tools: this interpreter's bin folder first, so the pinned ruff is used."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def ruff() -> str:
    """The pinned ruff (installed next to this interpreter), else one on PATH; exit when there is none."""
    found = shutil.which("ruff", path=ruff_env()["PATH"])
    if found is None:
        sys.exit("ruff is not installed: run `make venv` (it installs the pinned ruff)")
    return found


# ruff's settings for machine-written output: no configuration file is read, so the output is the same
# wherever it is generated, and nothing is cached.
ISOLATED = ("--no-cache", "--isolated", "--line-length=120", "--target-version=py311")


def tidy(paths: list[Path], *, isolated: bool, fixes: str = "I,F401", unsafe_fixes: bool = False) -> None:
    """Apply ruff's ``fixes`` (by default: sort the imports, drop unused ones) to ``paths`` (files or folders),
    then format them: with the project's settings (pyproject.toml), or ``isolated`` with ``ISOLATED``'s."""
    settings = [*ISOLATED] if isolated else []
    unsafe = ["--unsafe-fixes"] if unsafe_fixes else []
    files = [str(path) for path in paths]
    for command in (
        [ruff(), "check", "--quiet", "--fix-only", *unsafe, f"--select={fixes}", *settings, *files],
        [ruff(), "format", "--quiet", *settings, *files],
    ):
        subprocess.run(command, cwd=ROOT, env=ruff_env(), check=True)


class DocStatus(NamedTuple):
    meaning: str  # what the value says of the operation's vendor page (the README's doc-status table)
    docstring: str  # the sentence a scaffolded method's docstring ends with (new_operation.py)


# The values of x-doc-status (the spec's description explains them), in the order reports list them: generate.py
# refuses any other, and the README, the docs site, spec_report.py and new_operation.py read them from here.
DOC_STATUSES: dict[str, DocStatus] = {
    "documented": DocStatus("the page shows the request and the answer", "Documented."),
    "partial": DocStatus(
        "the page shows less: a cut-off answer, a draft, or only part of it",
        "Partial: the docs show only part of it (see the spec's description).",
    ),
    "inferred": DocStatus(
        "no page body is available; path and fields are guesses from sibling methods",
        "Inferred: the docs list this method but its page is not available; path and fields are guesses.",
    ),
}

# Public facade methods that no operation of the spec names in its x-facade: the operation each calls, whether it
# is a library helper built on that operation (True: the README marks it ``*``, the docs site badges it "library
# helper") or the same call under another name (False: it shows that operation's status), and why. Read by
# generate.py (the README's surface table) and docs_hooks.py (the docs site); a public method that is neither an
# operation nor listed here fails both.
HELPERS: dict[str, tuple[str, bool, str]] = {
    "requests.wait": ("requests.status", True, "polls Request status until the request is final"),
    "transactions.request_status": ("requests.status", False, "Transaction request status: the same call"),
}


class SpecError(ValueError):
    """The document cannot be read as OpenAPI: a ``$ref`` that points nowhere, a loop, a wrong shape."""


def load(path: Path = SPEC) -> dict[str, Any]:
    """The YAML (or JSON) document at ``path`` as a dict (``OSError`` when it cannot be read)."""
    return parse(path.read_text(encoding="utf-8"), str(path))


def parse(text: str, source: str) -> dict[str, Any]:
    """The YAML (or JSON) document ``text`` (read from ``source``) as a dict; ``SpecError`` when it is not
    YAML or not a mapping."""
    import yaml

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{source} is not valid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise SpecError(f"{source} is nested too deeply to be read") from None
    if not isinstance(document, dict):
        raise SpecError(f"{source} does not hold an OpenAPI document (a mapping)")
    if _contains_itself(document):
        raise SpecError(f"{source}: a YAML alias refers to a mapping or list it lies in (not a JSON document)")
    return document


def _contains_itself(root: Any) -> bool:
    """Whether a mapping or list lies inside itself (a YAML alias to an anchor above it). Each one is walked
    once, however many aliases share it."""
    done: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            on_path.discard(id(node))
            done.add(id(node))
            continue
        if not isinstance(node, (dict, list)) or id(node) in done:
            continue
        if id(node) in on_path:
            return True
        on_path.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in (node.values() if isinstance(node, dict) else node))
    return False


def resolve(schema: Any, document: dict[str, Any]) -> Any:
    """``schema`` with its local ``$ref`` followed until there is none. Keys written beside a ``$ref``
    (OpenAPI 3.1 allows them: a description, an ``x-`` key) override those of the schema it points at."""
    seen: set[str] = set()
    while isinstance(schema, dict) and "$ref" in schema:
        ref = schema["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SpecError(f"unsupported $ref {ref!r} (only local '#/...' references are read)")
        if ref in seen:
            raise SpecError(f"$ref loop through {ref}")
        seen.add(ref)
        node: Any = document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SpecError(f"$ref {ref} points nowhere")
            node = node[part]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **siblings} if siblings and isinstance(node, dict) else node
    return schema


MAX_ALLOF_DEPTH = 64  # allOf parts nested deeper than this are refused (SpecError), as a loop would be
MAX_ALLOF_PARTS = 10_000  # allOf parts read for one object (YAML aliases can fan a small file out past this)


def object_parts(
    schema: Any, document: dict[str, Any], _within: tuple[str, ...] = (), _read: list[int] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The properties and the required names of an object schema: ``$ref`` followed, ``allOf`` parts
    merged in order (a later part's property replaces an earlier one of the same name). ``SpecError`` on an
    ``allOf`` that contains itself (through ``$ref``), nests deeper than ``MAX_ALLOF_DEPTH`` or fans out
    past ``MAX_ALLOF_PARTS`` parts."""
    _read = [0] if _read is None else _read
    _read[0] += 1
    if _read[0] > MAX_ALLOF_PARTS:
        raise SpecError(f"too complex: an object made of more than {MAX_ALLOF_PARTS} allOf parts")
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str):
        if ref in _within:
            raise SpecError(f"allOf loop through {ref}")
        _within = (*_within, ref)
    if len(_within) > MAX_ALLOF_DEPTH:
        raise SpecError(f"allOf nested deeper than {MAX_ALLOF_DEPTH} levels")
    schema = resolve(schema, document)
    if not isinstance(schema, dict):
        return {}, []
    props: dict[str, Any] = {}
    required: list[str] = []
    for part in schema.get("allOf", []):
        sub_props, sub_required = object_parts(part, document, (*_within, "allOf"), _read)
        props.update(sub_props)
        required += [name for name in sub_required if name not in required]
    own = schema.get("properties", {})
    if isinstance(own, dict):
        props.update(own)
    required += [name for name in schema.get("required", []) if name not in required]
    return props, required


# The keys of an operation only a person can fill in: docs-sync writes a new operation with them empty, and
# generate.py refuses it, naming them, until they are set.
PERSON_KEYS = {
    "x-facade": "the facade method, resource.method (e.g. cards.block)",
    "x-mutating": "true when it applies something, false for a read",
    "x-deferred": "true when the outcome arrives later through Request status, else false",
}

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# The answer envelope of each API (the operation table's "envelope"), the Card API's first: the fields every answer has.
ENVELOPES = {"card": "CardApiEnvelope", "gift": "GiftEnvelope"}

# How spec-diff and docs-sync judge a changed request bound ("BREAKING" when it refuses what passed before).
LOWER_BOUNDS = ("minLength", "minimum", "exclusiveMinimum", "minItems")
UPPER_BOUNDS = ("maxLength", "maximum", "exclusiveMaximum", "maxItems")


def bound_tightens(keyword: str, before: Any, after: Any) -> bool:
    """Does a bound that changes from ``before`` to ``after`` refuse a value it took before? One newly stated
    or dropped does not (a new one is what the API took all along); a pattern, or a bound that is not a
    number, may refuse anything; a number tightens when a lower bound rises or an upper bound falls."""
    if before is None or after is None:
        return False
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return True
    return after > before if keyword in LOWER_BOUNDS else after < before


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, operation)`` for every operation of the document, in its order."""
    found = []
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                found.append((method, path, item[method]))
    return found


def request_body_schema(operation: dict[str, Any], document: dict[str, Any]) -> Any:
    """The JSON schema of an operation's request body (``None`` when it has none)."""
    body = resolve(operation.get("requestBody"), document)
    if not isinstance(body, dict):
        return None
    return ((body.get("content") or {}).get("application/json") or {}).get("schema")


def answer_schema(operation: dict[str, Any], document: dict[str, Any]) -> Any:
    """The JSON schema of an operation's success answer (the first 2xx with JSON; ``None`` without)."""
    responses = operation.get("responses") or {}
    for code in sorted(str(c) for c in responses):
        if code.startswith("2"):
            answer = resolve(responses.get(code, responses.get(int(code) if code.isdigit() else code)), document)
            schema = (((answer or {}).get("content") or {}).get("application/json") or {}).get("schema")
            if schema is not None:
                return schema
    return None
