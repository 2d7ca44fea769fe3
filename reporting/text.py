"""Text folding used for lenient matching: case, diacritics, NFC/NFD, spacing and punctuation ignored."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def nfc(value: str) -> str:
    """NFC-normalise and strip: sheets often hold NFD text pasted from other tools."""
    return unicodedata.normalize("NFC", value).strip()


def strip_marks(value: str) -> str:
    """Remove Vietnamese diacritics (đ → d) and lower-case."""
    decomposed = unicodedata.normalize("NFD", value.lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("đ", "d")


def fold(value: object) -> str:
    """The matching key of a header, tab title, channel label…: 'Số  người (tham gia)' → 'so nguoi tham gia'."""
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
        return nfc(value)
    return str(value)
