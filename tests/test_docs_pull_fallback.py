"""``docs-pull`` falls back to the rendered page when a page's ``.md`` is missing (issue 18 item 3).

A loopback server (127.0.0.1, tests/hostile.py: every answer scripted, stopping by itself) serves an
llms.txt and the fixture locker pages: one endpoint page and one text page (Dictionaries) without their
``.md`` (404, or an HTML page where the Markdown should be), their rendered HTML present. The pull saves the
rendered page instead (an endpoint page as text, a text page as Markdown headings and pipe tables), says so
in index.json and on stderr, and the check reads it. Before, such a page failed the whole pull (exit 2) or,
for a text page, was left out with a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import Answer, HostileServer
from tests.test_docs_check import CLEAN, docs_check
from tests.test_docs_pages import DOCS, _bound, spec_copy

LLMS = b"""# Lockers

## Payment Cards
- [Open a locker](/api-1001.md): an endpoint page whose .md is missing.
- [Close a locker](/api-1003.md): an endpoint page served as Markdown.
- [Overview](/doc-2001.md): a text page served as Markdown.
- [Dictionaries](/doc-2002.md): a text page whose .md is missing.
"""

# The Dictionaries page of tests/fixtures/docs/doc-pages/doc-2002.md as a site renders it: navigation first,
# then the page, its tables as HTML tables.
DICTIONARIES_HTML = b"""<!DOCTYPE html>
<html><head><title>Dictionaries</title><script>var x = "| a | b |";</script></head>
<body><nav><ul><li>Lockers<ul><li>Open a locker</li><li>Dictionaries</li></ul></li></ul></nav>
<main><h1>Dictionaries</h1>
<p>Invented for the docs-pull tests: the locker API's values, one table per dictionary.</p>
<h2>Answer statuses</h2>
<table><thead><tr><th>Value</th><th>Meaning</th></tr></thead>
<tbody><tr><td><code>ok</code></td><td>Done.</td></tr><tr><td><code>error</code></td><td>Not done.</td></tr></tbody></table>
<h2>Locker sizes</h2>
<table><tr><th>Code</th><th>Size</th></tr><tr><td>1</td><td>Small</td></tr><tr><td>2</td><td>Large</td></tr></table>
<h2>Fields required for express lockers</h2>
<table><tr><th>Field</th><th>Note</th></tr><tr><td>request_id</td><td>Always.</td></tr>
<tr><td>note</td><td>Where the parcel goes.</td></tr></table>
</main></body></html>
"""

SHELL = b"<!doctype html><html><head><title>Docs</title></head><body><div id='app'></div></body></html>"
MARKDOWN = {"Content-Type": "text/markdown; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def serve(server: HostileServer, *, open_md: Answer) -> None:
    server.script("/llms.txt", Answer(LLMS, headers=MARKDOWN))
    server.script("/api-1001.md", open_md)
    server.script("/api-1001", Answer((CLEAN / "open.html").read_bytes(), headers=HTML))
    server.script("/api-1003.md", Answer((CLEAN / "close.md").read_bytes(), headers=MARKDOWN))
    server.script("/doc-2001.md", Answer((DOCS / "doc-2001.md").read_bytes(), headers=MARKDOWN))
    server.script("/doc-2002.md", Answer(b"Not Found", status=404, headers={"Content-Type": "text/plain"}))
    server.script("/doc-2002", Answer(DICTIONARIES_HTML, headers=HTML))


def pull(server: HostileServer, tmp_path: Path) -> int:
    spec = spec_copy(tmp_path, lambda d: _bound(d, declare_note=True))
    argv = ["pull", "--base", server.url, "--cache", str(tmp_path / "cache"), "--spec", str(spec), "--json"]
    return docs_check.main(argv)


@pytest.mark.parametrize(
    "open_md",
    [
        pytest.param(Answer(b"Not Found", status=404, headers={"Content-Type": "text/plain"}), id="404"),
        pytest.param(Answer(SHELL, headers=HTML), id="html-instead-of-markdown"),
    ],
)
def test_a_page_without_its_md_is_saved_from_its_rendered_page_and_checked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, open_md: Answer
) -> None:
    with HostileServer(max_seconds=30) as server:
        serve(server, open_md=open_md)
        code = pull(server, tmp_path)
        arrivals = dict(server.arrivals)
    out = capsys.readouterr()
    report = json.loads(out.out)
    cache = tmp_path / "cache"
    assert code == 0, out.err
    assert sorted(p.name for p in cache.iterdir()) == [
        "api-1001.txt", "api-1003.md", "doc-2001.md", "doc-2002.md", "index.json", "llms.txt",
    ]  # fmt: skip
    assert arrivals["/api-1001.md"] == 1 and arrivals["/api-1001"] == 1 and "/api-1003" not in arrivals
    # the endpoint page, read as rendered text: matched to its operation, every field compared
    (opened,) = [op for op in report["operations"] if op["operation_id"] == "open_locker"]
    assert opened["drift"] == [] and opened["pages"][0]["request_fields"] == ["request_id", "locker_id", "note"]
    assert next(p for p in report["pages"] if p["path"] == "/v1/locker/open")["form"] == "rendered"
    # the text page, from HTML tables: its bindings compared (the declared requirement found, no drift)
    dictionaries = next(d for d in report["doc_pages"] if d["page_id"] == "2002")
    assert dictionaries["sections"][:3] == ["Answer statuses", "Locker sizes", "Fields required for express lockers"]
    assert (dictionaries["drift"], len(dictionaries["declared"])) == ([], 1)
    assert (cache / "doc-2002.md").read_text(encoding="utf-8").startswith("# Dictionaries\n")
    assert "var x" not in (cache / "doc-2002.md").read_text(encoding="utf-8")  # scripts are not text
    # index.json and stderr say which pages are fallbacks, and from where
    index = {p["file"]: p for p in json.loads((cache / "index.json").read_text(encoding="utf-8"))["pages"]}
    assert index["api-1001.txt"]["url"] == f"{server.url}/api-1001"
    assert "rendered page saved as text" in index["api-1001.txt"]["fallback"]
    assert "HTTP 404" in index["doc-2002.md"]["fallback"] and "fallback" not in index["api-1003.md"]
    assert "api-1001.txt" in out.err and "doc-2002.md" in out.err
    assert report["drift"] is False


def test_the_md_back_replaces_the_rendered_fallback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with HostileServer(max_seconds=30) as server:
        serve(server, open_md=Answer(b"", status=404))
        assert pull(server, tmp_path) == 0
        server.script("/api-1001.md", Answer((CLEAN / "open.md").read_bytes(), headers=MARKDOWN))
        assert pull(server, tmp_path) == 0
    names = {p.name for p in (tmp_path / "cache").iterdir()}
    assert "api-1001.md" in names and "api-1001.txt" not in names
    assert "removed" in capsys.readouterr().err


def test_a_page_with_neither_md_nor_rendered_page_fails_the_pull_naming_both(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with HostileServer(max_seconds=30) as server:
        serve(server, open_md=Answer(b"", status=404))
        server.script("/api-1001", Answer(b"", status=503))
        assert pull(server, tmp_path) == 2
    err = capsys.readouterr().err
    assert "its .md: cannot fetch: HTTP 404; the rendered page" in err and "HTTP 503" in err
    assert not (tmp_path / "cache").exists()  # nothing written
