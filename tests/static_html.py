"""What a reader sees of the app's static blocks (`components.static`): cards, tables and their text.

A small tree of the HTML, built with the standard library's parser, so tests read the cards and tables as
a browser would show them (entities decoded) and can list every tag and attribute the page was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pandas as pd

VOID = {"br", "hr", "img", "input", "meta", "link", "col", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):  # every element below, this one first
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.walk()

    def find(self, css_class: str) -> list[Node]:
        return [n for n in self.walk() if css_class in n.classes]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(body: str) -> Node:
    builder = _Builder()
    builder.feed(body)
    builder.close()
    return builder.root


@dataclass(frozen=True)
class Card:
    label: str
    value: str
    delta: str  # the signed change ("+8"), its arrow left out; "" when none
    trend: str  # "good", "bad", "flat" or "" (no change shown)
    note: str


def cards(body: str) -> list[Card]:
    found = []
    for card in parse(body).find("cchc-card"):
        parts = {name: (card.find(f"cchc-card-{name}") or [None])[0] for name in ("label", "value", "delta", "note")}
        delta = parts["delta"]
        trend = next((c[5:] for c in delta.classes if c in ("cchc-good", "cchc-bad", "cchc-flat")), "") if delta else ""
        found.append(
            Card(
                *(parts[name].text() if parts[name] else "" for name in ("label", "value")),
                delta.text().lstrip("▲▼ ") if delta else "",
                trend,
                parts["note"].text() if parts["note"] else "",
            )
        )
    return found


def tables(body: str) -> list[pd.DataFrame]:
    """Each `<table>` as a frame of the strings it shows, its header row as the column titles."""
    frames = []
    for table in (n for n in parse(body).walk() if n.tag == "table"):
        rows = [
            [cell.text() for cell in row.walk() if cell.tag in ("th", "td")] for row in table.walk() if row.tag == "tr"
        ]
        head, *body_rows = rows or [[]]
        frames.append(pd.DataFrame(body_rows, columns=head))
    return frames


BLOCKS = {"div", "p", "table", "tr", "th", "td"}


def text(body: str) -> str:
    """The visible text, a line break around each block (a card's label, a cell) so sentences stay whole;
    a style sheet shows nothing."""

    def lines(node: Node) -> str:
        if node.tag == "style":
            return ""
        inner = "".join(c if isinstance(c, str) else lines(c) for c in node.children)
        return f"\n{inner}\n" if node.tag in BLOCKS else inner

    return "\n".join(line.strip() for line in lines(parse(body)).splitlines() if line.strip())
