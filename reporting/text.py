"""Text folding used for lenient matching: case, diacritics, NFC/NFD, spacing and punctuation ignored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(value: str) -> str:
    """NFC-normalise and strip: sheets often hold NFD text pasted from other tools."""
    return unicodedata.normalize("NFC", value).strip()


def nfc_texts(values: Iterable[object]) -> list[str | None]:
    """`nfc` over a column, with `show` for non-text cells and None kept.

    Checking the whole column at once lets the usual case (text already NFC) skip normalising cell by cell.
    """
    cells = values.tolist() if hasattr(values, "tolist") else list(values)
    if _all_nfc_text(cells):  # the usual case: one pass of C to check, one to strip
        return list(map(str.strip, cells))
    texts = [c for c in cells if c.__class__ is str]
    if unicodedata.is_normalized("NFC", "\x00".join(texts)):
        return [None if c is None else (c.strip() if c.__class__ is str else show(c)) for c in cells]
    return [None if c is None else (nfc(c) if c.__class__ is str else show(c)) for c in cells]


def nfc_stripped(joined: str, texts: list[str], stripped: list[str]) -> list[str]:
    """`nfc` over a few text cells whose stripped form is already known (`joined`: the texts joined by NUL, a
    character NFC never combines with its neighbours): text already NFC (the usual case) keeps `stripped`;
    otherwise each cell is normalised."""
    if unicodedata.is_normalized("NFC", joined):
        return stripped
    return list(map(nfc, texts))


_CHUNK = 2048  # cells joined per check: a string that stays in the CPU's cache, nearly twice as fast as one


def _all_nfc_text(cells: list[object]) -> bool:
    """Whether every cell is text already in NFC (joining raises on anything that is not text)."""
    try:
        return all(
            unicodedata.is_normalized("NFC", "\x00".join(cells[i : i + _CHUNK])) for i in range(0, len(cells), _CHUNK)
        )
    except TypeError:  # a number, a date, None…
        return False


def strip_marks(value: str) -> str:
    """Remove Vietnamese diacritics (đ → d) and lower-case."""
    decomposed = unicodedata.normalize("NFD", value.lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", "d")


def fold(value: object) -> str:
    """The matching key of a header, tab title, channel label…: 'Số  người (tham gia)' → 'so nguoi tham gia'.

    Remembered: a parse folds the same tab titles, headers and labels thousands of times."""
    try:
        return _fold(value)
    except TypeError:  # a value that cannot be a key (a list…): folded without remembering
        return _fold.__wrapped__(value)


@lru_cache(maxsize=8192, typed=True)  # typed: True and 1 are equal keys, but fold to "true" and "1"
def _fold(value: object) -> str:
    if value is None:
        return ""
    return _NON_ALNUM.sub(" ", strip_marks(str(value))).strip()


def show(value: object) -> str:
    """A raw cell as a user would recognise it in a message."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        # A lone surrogate (possible in JSON from an API) cannot be encoded anywhere: shown as U+FFFD.
        return nfc(show_text(value))
    return str(value)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(rows: list[list[object]]) -> list[list[object]]:
    """The rows with each lone surrogate (JSON can carry half a character; nothing can encode it, so a page,
    an export or pandas' text columns would fail on it) replaced by U+FFFD, the character a reader shows as
    «�». One check of the whole tab in the usual case, where there is none."""
    texts = [cell for row in rows for cell in row if cell.__class__ is str]
    if not _has_surrogate("\x00".join(texts)):
        return rows
    return [[show_text(cell) if cell.__class__ is str else cell for cell in row] for row in rows]


def show_text(text: str) -> str:
    """Text with each lone surrogate replaced by U+FFFD, otherwise as it is."""
    return _SURROGATE.sub("\ufffd", text) if _has_surrogate(text) else text


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
