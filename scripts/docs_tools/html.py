"""HTML pages to text (then read as rendered page text)."""

from __future__ import annotations

import html.parser
import re


class _TextOfHtml(html.parser.HTMLParser):
    """The visible text of an HTML page, a line per block element."""

    BLOCKS = frozenset(
        {"p", "div", "li", "ul", "ol", "br", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "section",
         "article", "header", "footer", "pre", "table", "dt", "dd", "nav", "aside", "main", "label", "button"}
    )  # fmt: skip
    HIDDEN = frozenset({"script", "style", "noscript", "svg", "template", "head"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    parser = _TextOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(line for line in lines if line)


class _MarkdownOfHtml(_TextOfHtml):
    """The visible text of an HTML page with its headings as ``#`` lines and its tables as pipe tables: the
    layout a doc page's Markdown has (``docpages``), for a text page whose ``.md`` is missing."""

    def __init__(self) -> None:
        super().__init__()
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = 1  # a header cell's colspan: repeated, so a header keeps one cell per column
        self.rows_in_table = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden or tag in self.HIDDEN:
            super().handle_starttag(tag, attrs)
        elif tag == "table":
            self.rows_in_table = 0
            self.parts.append("\n")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
            span = (dict(attrs).get("colspan") or "1").strip()
            self.span = max(1, min(int(span), 16)) if tag == "th" and re.fullmatch(r"[0-9]{1,3}", span) else 1
        elif self.cell is None:
            super().handle_starttag(tag, attrs)
            if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
                self.parts.append("#" * int(tag[1]) + " ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.row is not None and self.cell is not None:
            self.row += [" ".join("".join(self.cell).split()).replace("|", "\\|")] * self.span
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.parts.append("\n| " + " | ".join(self.row) + " |\n")
                if self.rows_in_table == 0:
                    self.parts.append("|" + "---|" * len(self.row) + "\n")
                self.rows_in_table += 1
            self.row = None
        elif self.cell is None:
            super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.cell is not None:
            self.cell.append(data)
        elif self.row is None:
            self.parts.append(data)


def html_to_markdown(markup: str) -> str:
    """``markup``'s text from its first ``<h1>`` on (the whole text if it has none), headings as ``#`` lines
    and tables as Markdown pipe tables (the first row the header)."""
    parser = _MarkdownOfHtml()
    parser.feed(markup)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    lines = [line for line in lines if line and line != "#" * len(line)]
    first = next((i for i, line in enumerate(lines) if line.startswith("# ")), 0)
    return "\n".join(lines[first:]) + "\n"
