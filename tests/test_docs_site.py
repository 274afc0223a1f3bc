"""The API reference site (`make docs`): built once per session into a temporary folder, offline, with
warnings as errors, then read as HTML.

What must be in it is computed, not listed: the resources and their public methods come from the
clients themselves, the public names from ``freedompay_cards.__all__``, and the doc status of each
operation from the operation table generated from openapi/card-api.yaml (its ``x-facade`` and ``x-doc-status``).
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

import freedompay_cards as fp
from freedompay_cards._core import OPERATIONS
from tests.spec_tools import operations as spec_operations

pytestmark = pytest.mark.docs

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [str(MKDOCS), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, env={"PATH": str(MKDOCS.parent), "NO_MKDOCS_2_WARNING": "1", "HOME": str(out)},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def page(site: Path, name: str) -> str:
    return (site / name).read_text(encoding="utf-8")


def resources() -> Iterator[tuple[str, type[Any], type[Any]]]:
    """(name, sync class, async class) of every resource the clients expose."""
    sync = fp.CardClient(auth_id="docs", secret_key="docs")
    async_ = fp.AsyncCardClient(auth_id="docs", secret_key="docs")
    try:
        for name in dir(sync):  # dir(): all but ``cards`` are made on first use (cached properties)
            value = getattr(sync, name)
            if not name.startswith("_") and type(value).__module__.startswith("freedompay_cards._sync."):
                yield name, type(value), type(getattr(async_, name))
    finally:
        sync.close()
        asyncio.run(async_.aclose())


def public_methods(cls: type[Any]) -> list[str]:
    return [n for n, f in vars(cls).items() if not n.startswith("_") and inspect.isfunction(f)]


def spec_statuses() -> dict[str, str]:
    """Facade name -> x-doc-status, for every operation of the spec."""
    by_operation_id = {op.module.rsplit(".", 1)[-1]: name for name, op in OPERATIONS.items()}
    return {op.get("x-facade") or by_operation_id[oid]: op["x-doc-status"] for _, oid, op in spec_operations()}


def heading(html: str, anchor: str) -> str:
    match = re.search(rf'<h(\d) id="{re.escape(anchor)}"[^>]*>(.*?)</h\1>', html, re.S)
    assert match, f"no heading for {anchor}"
    return match.group(2)


def test_resources_are_found_by_introspection() -> None:
    found = {name: public_methods(sync) for name, sync, _ in resources()}
    assert set(found) == {"cards", "clients", "transactions", "requests", "gift_cards", "limits"}
    assert sum(map(len, found.values())) >= len(OPERATIONS)


@pytest.mark.parametrize("resource", ["cards", "clients", "transactions", "requests", "gift_cards", "limits"])
def test_resource_page_documents_every_method_sync_and_async_with_its_status(site: Path, resource: str) -> None:
    [(_, sync, async_)] = [r for r in resources() if r[0] == resource]
    html = page(site, f"reference/{resource}.html")
    statuses = spec_statuses()
    assert public_methods(sync) == public_methods(async_)
    for cls in (sync, async_):
        for method in public_methods(cls):
            title = heading(html, f"{cls.__module__}.{cls.__qualname__}.{method}")
            badge = re.search(r'class="fp-doc-status fp-doc-status--(\w+)"', title)
            assert badge, f"{resource}.{method} has no doc-status badge"
            expected = statuses.get(f"{resource}.{method}")
            if expected is not None:  # an operation of its own; helpers show the status of what they call
                assert badge.group(1) == expected, f"{resource}.{method}: {badge.group(1)} != spec's {expected}"


def test_every_public_name_has_an_entry(site: Path) -> None:
    html = "".join(p.read_text(encoding="utf-8") for p in (site / "reference").glob("*.html"))
    ids = set(re.findall(r'<h\d id="([\w.]+)"', html))
    expected = {name: f"{obj.__module__}.{obj.__qualname__}" for name in fp.__all__ if name != "__version__"
                for obj in [getattr(fp, name)]}  # fmt: skip
    assert {name: anchor for name, anchor in expected.items() if anchor not in ids} == {}
    assert "freedompay_cards.__version__" in html


def test_sandbox_plugin_and_cassettes_pages_name_every_public_name(site: Path) -> None:
    from freedompay_cards import cassettes, pytest_plugin, sandbox

    html = page(site, "reference/sandbox.html")
    assert [n for n in sandbox.__all__ if f'id="freedompay_cards.sandbox.{n}"' not in html] == []
    for module, name in ((pytest_plugin, "pytest-plugin"), (cassettes, "cassettes")):
        html = page(site, f"reference/{name}.html")
        tree = ast.parse(inspect.getsource(module))  # fixtures are no plain functions once decorated: read the defs
        public = [d.name for d in tree.body if isinstance(d, ast.FunctionDef) and not d.name.startswith("_")]
        assert public and [n for n in public if f'id="{module.__name__}.{n}"' not in html] == []


def test_doc_status_page_lists_every_operation_with_the_spec_status(site: Path) -> None:
    html = page(site, "reference/doc-status.html")
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    statuses = spec_statuses()
    assert len(statuses) == len(OPERATIONS)  # every operation of the spec, whatever their number
    for name, status in statuses.items():
        [row] = [r for r in rows if f"<code>client.{name}</code>" in r]
        assert f"fp-doc-status--{status}" in row, f"{name} should show {status}"


def test_home_page_is_the_readme(site: Path) -> None:
    html = page(site, "index.html")
    assert "readme-test: sandbox" in html  # the README's runnable quickstart, included as it is
    assert "Quickstart" in html and "doc status" in html
    assert "fonts.googleapis.com" not in html  # offline: no web fonts


class _Loads(HTMLParser):
    """The addresses a page makes the browser load: scripts, stylesheets (and other ``<link>``s), images,
    frames."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").split()
        if tag in ("script", "img", "iframe", "source") and values.get("src"):
            self.found.append(str(values["src"]))
        elif tag == "link" and not {"canonical", "alternate"} & set(rel) and values.get("href"):
            self.found.append(str(values["href"]))


NETWORK = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)  # http://, https://, //host


def test_no_page_loads_a_script_or_stylesheet_from_the_network(site: Path) -> None:
    """Opened from disk, every page works with no network: whatever a page loads is a file in the site
    (Material's offline search needs its Web Worker shim, which would otherwise come from a CDN)."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    remote: dict[str, list[str]] = {}
    for path in pages:
        parser = _Loads()
        parser.feed(path.read_text(encoding="utf-8"))
        loads = parser.found
        if bad := [url for url in loads if NETWORK.match(url)]:
            remote[str(path.relative_to(site))] = bad
        for url in loads:  # everything else it loads is shipped in site/
            if not NETWORK.match(url) and not url.startswith("data:"):
                local = url.split("#")[0].split("?")[0]  # 404.html, for servers only, uses absolute paths
                file = site / local.lstrip("/") if local.startswith("/") else path.parent / local
                assert file.resolve().is_file(), f"{path.relative_to(site)} loads {url}, which is not in the site"
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        imports = re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", text)
        imports += re.findall(r"url\(\s*['\"]?((?:[a-z]+:)?//[^'\")]+)", text, re.I)
        if bad := [url for url in imports if NETWORK.match(url)]:
            remote[str(css.relative_to(site))] = bad
    assert remote == {}
    index = page(site, "index.html")
    assert 'src="javascripts/iframe-worker/shim.js"' in index  # the offline plugin's shim, from disk
    assert (site / "search" / "search_index.js").is_file()  # the offline plugin's index, readable from file://


def _section(html: str, anchor: str) -> str:
    """The HTML of one documented object: from its heading to the next object's heading."""
    start = html.index(f'id="{anchor}"')
    following = re.compile(r'<h\d id="freedompay_cards\.[\w.]+"').search(html, start + len(anchor) + 5)
    return html[start : following.start() if following else len(html)]


def result_classes() -> dict[str, type[Any]]:
    return {name: obj for name in fp.__all__ for obj in [getattr(fp, name)] if attrs.has(obj)}


def attribute_rows(html: str, cls: type[Any]) -> dict[str, tuple[str, str, str]]:
    """attribute -> (type, meaning, status) from the table of ``cls`` on the results page."""
    match = re.search(rf'<table data-fp="attributes" data-class="{re.escape(cls.__module__)}\.{cls.__qualname__}">'
                      r"(.*?)</table>", html, re.S)  # fmt: skip
    assert match, f"{cls.__name__} has no attribute table"
    rows = {}
    for name, cells in re.findall(r'<tr data-attribute="(\w+)">(.*?)</tr>', match.group(1), re.S):
        type_, meaning, status = re.findall(r"<td>(.*?)</td>", cells, re.S)[1:]
        badge = re.search(r"fp-doc-status--(\w+)", status)
        rows[name] = (re.sub(r"<[^>]+>", "", type_), re.sub(r"<[^>]+>", "", meaning), badge.group(1) if badge else "")
    return rows


def test_every_public_result_attribute_is_listed_with_type_meaning_and_status(site: Path) -> None:
    html = page(site, "reference/results.html")
    classes = result_classes()
    assert {"CardInfo", "OperationResult", "CreatedClient", "GiftCardState", "LimitList"} <= set(classes)
    for cls in classes.values():
        rows = attribute_rows(html, cls)
        properties = [n for n, m in inspect.getmembers(cls, lambda m: isinstance(m, property)) if not n.startswith("_")]
        assert set(rows) == {f.name for f in attrs.fields(cls)} | set(properties), cls.__name__
        for name, (type_, meaning, status) in rows.items():
            assert type_ and len(meaning) > 5, f"{cls.__name__}.{name}: no type or meaning"
            assert status in ("documented", "partial", "inferred", "helper"), f"{cls.__name__}.{name}: {status!r}"


def test_attribute_statuses_come_from_the_spec(site: Path) -> None:
    html = page(site, "reference/results.html")
    card_info = attribute_rows(html, fp.CardInfo)
    statuses = spec_statuses()
    assert card_info["card_status"][2] == card_info["card_mask"][2] == statuses["cards.info"]  # the answer's guesses
    assert card_info["request_status"][2] == "documented"  # the envelope is documented
    assert card_info["request_id"][2] == card_info["extra"][2] == "helper"  # set by the library
    assert "str | None" in card_info["card_mask"][0] and "Masked PAN" in card_info["card_mask"][1]
    operation = attribute_rows(html, fp.OperationResult)
    assert operation["error_code"][2] == "inferred"  # x-doc-deviation: differs removed (not on any page)
    assert operation["client_id"][2] == statuses["requests.status"]
    assert attribute_rows(html, fp.StatementOperation)["rrn"][2] == statuses["cards.statement"]
    assert attribute_rows(html, fp.CreatedClient)["client_id"][0] == "str"  # wait=True's promise


def method_sections(site: Path) -> Iterator[tuple[str, str, str]]:
    """(resource, method, HTML) of every public method, sync and async."""
    for resource, sync, async_ in resources():
        html = page(site, f"reference/{resource}.html")
        for cls in (sync, async_):
            for method in public_methods(cls):
                yield resource, method, _section(html, f"{cls.__module__}.{cls.__qualname__}.{method}")


def test_every_method_has_a_raises_section_naming_classes_and_codes(site: Path) -> None:
    from freedompay_cards import _errors

    seen: set[str] = set()
    count = 0
    for resource, method, html in method_sections(site):
        count += 1
        raises = re.search(r"<summary>Raises:?</summary>|>Raises:?<", html)
        assert raises, f"{resource}.{method} has no Raises section"
        text = " ".join(re.sub(r"<[^>]+>", " ", html[raises.start() :]).split())
        for always in ("APIConnectionError", "UnexpectedResponseError", "InvalidRequestError", "ClientClosedError"):
            assert always in text, f"{resource}.{method}: Raises does not name {always}"
        assert "HTTP 404" in text and "NotFoundError" in text
        seen |= set(re.findall(r"\b[A-Z][A-Z_]{3,}\b", text)) | set(re.findall(r"gift status -\d+", text))
    assert count >= 2 * len(OPERATIONS)
    assert set(_errors.CARD_API_CODES) <= seen  # every code answers some method
    assert {f"gift status {s}" for s in _errors.GIFT_STATUS_ERRORS} <= seen
    cards = page(site, "reference/cards.html")
    block = re.sub(r"<[^>]+>", " ", _section(cards, "freedompay_cards._sync.cards.Cards.block"))
    assert "CARD_NOT_FOUND" in block and "INVALID_CARD_STATE" in block and "INSUFFICIENT_FUNDS" not in block
    clients = re.sub(r"<[^>]+>", " ", _section(page(site, "reference/clients.html"),
                                               "freedompay_cards._sync.clients.Clients.create"))  # fmt: skip
    assert "without client_id" in " ".join(clients.split())  # wait=True's own refusal


def test_errors_page_has_the_table_of_codes_it_announces(site: Path) -> None:
    from freedompay_cards import _errors

    html = page(site, "reference/errors.html")
    match = re.search(r'<table data-fp="codes">(.*?)</table>', html, re.S)
    assert match, "the errors page has no table of codes"
    rows = dict(re.findall(r'<tr data-code="([^"]+)">(.*?)</tr>', match.group(1), re.S))
    tables = (_errors.CARD_API_CODES, {k: v[0] for k, v in _errors.GIFT_STATUS_ERRORS.items()},
              _errors.HTTP_STATUS_ERRORS)  # fmt: skip
    for table, source in zip(tables, ("sandbox's own", "Freedom Pay", "not documented"), strict=True):
        for code, cls in table.items():
            row = rows[str(code)]
            cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
            assert cells[1] == cls.__name__ and cells[2] and cells[3].startswith(("yes", "no")), row
            assert source in cells[4], f"{code}: {cells[4]!r} should say {source!r}"
    for code in ("CARD_NOT_FOUND", "CARD_CLOSED", "INVALID_CARD_STATE", "AMOUNT_EXCEEDS_AVAILABLE"):
        assert code in rows
    assert "yes" in rows["RATE_LIMITED"] and "no" in re.findall(r"<td>(.*?)</td>", rows["CARD_NOT_FOUND"])[3]


def test_readme_names_the_common_error_codes() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    errors = readme[readme.index("## Errors") : readme.index("## Reliability")]
    for code in ("CARD_NOT_FOUND", "CARD_CLOSED", "INVALID_CARD_STATE", "AMOUNT_EXCEEDS_AVAILABLE"):
        assert code in errors
