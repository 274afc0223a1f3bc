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
        for name, value in vars(sync).items():
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
