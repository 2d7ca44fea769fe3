"""argparse's own words in Vietnamese: headings, the -h line and its error messages.

argparse looks each message up through its module-level `_` (gettext) when it prints, so giving it our
table there is enough; messages not in the table stay as argparse writes them.
"""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tuỳ chọn",
    "show this help message and exit": "hiện hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "unrecognized arguments: %s": "tham số không nhận ra: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "expected one argument": "cần một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "not allowed with argument %s": "không dùng cùng lúc với tham số %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ambiguous option: %(option)s could match %(matches)s": "tuỳ chọn %(option)s chưa rõ: có thể là %(matches)s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
}


def _translate(message: str) -> str:
    return WORDS.get(message, message)


def _ntranslate(singular: str, plural: str, count: int) -> str:
    return _translate(singular if count == 1 else plural)


def install() -> None:
    """Make every parser of this process speak Vietnamese (idempotent)."""
    argparse._ = _translate  # type: ignore[attr-defined]
    argparse.ngettext = _ntranslate  # type: ignore[attr-defined]
