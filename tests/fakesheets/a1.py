"""A1 notation for the fake: parse ranges such as `'Đơn vị'!A2:C`, format them as Google writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]*)(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def col_to_index(letters: str) -> int:
    """'A' -> 0, 'Z' -> 25, 'AA' -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def index_to_col(index: int) -> str:
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def quote_title(title: str) -> str:
    """Google leaves plain ASCII identifiers bare and single-quotes everything else."""
    if _PLAIN_TITLE.match(title) and not re.match(r"^[A-Za-z]{1,3}\d+$", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass(frozen=True)
class A1Range:
    """A parsed range; None bounds are open (whole column or row). Indexes are 0-based, ends exclusive."""

    title: str | None
    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


def split_title(text: str) -> tuple[str | None, str]:
    """Split `'It''s'!A1` into ("It's", "A1"); a bare title with no `!` is a whole-sheet range."""
    if text.startswith("'"):
        i = 1
        title = ""
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title += "'"
                    i += 2
                    continue
                break
            title += text[i]
            i += 1
        rest = text[i + 1 :]
        return title, rest[1:] if rest.startswith("!") else rest
    if "!" in text:
        title, _, rest = text.rpartition("!")
        return title, rest
    return None, text


def parse(text: str, titles: set[str]) -> A1Range:
    """Parse a range; a bare word naming an existing tab is the whole tab (as Google reads it)."""
    title, cells = split_title(text)
    if title is None and cells in titles:
        return A1Range(cells, None, None, None, None)
    if title is not None and cells == "":
        return A1Range(title, None, None, None, None)
    first, _, second = cells.partition(":")
    m1 = _CELL.match(first)
    m2 = _CELL.match(second) if second else m1
    if not m1 or not m2 or (not first):
        raise ValueError(f"Unable to parse range: {text}")
    c1, r1 = m1.groups()
    c2, r2 = m2.groups()
    start_col = col_to_index(c1) if c1 else None
    end_col = col_to_index(c2) + 1 if c2 else None
    start_row = int(r1) - 1 if r1 else None
    end_row = int(r2) if r2 else None
    if not second and c1 and r1:
        end_col, end_row = start_col + 1, start_row + 1  # type: ignore[operator]
    if c1 and not r1 and not second:
        end_col = start_col + 1  # type: ignore[operator]
    if r1 and not c1 and not second:
        end_row = start_row + 1  # type: ignore[operator]
    if second and c1 and not r1:
        start_row = None
    return A1Range(title, start_row, end_row, start_col, end_col)


def format_range(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """Format a bounded block (0-based, ends exclusive); a single cell is written `A1`, not `A1:A1`."""
    start = f"{index_to_col(c0)}{r0 + 1}"
    end = f"{index_to_col(c1 - 1)}{r1}"
    body = start if start == end else f"{start}:{end}"
    return f"{quote_title(title)}!{body}"
