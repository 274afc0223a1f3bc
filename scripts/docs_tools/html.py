"""HTML pages to text (then read as rendered page text)."""

from __future__ import annotations

import html.parser


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
