"""Text from the spreadsheet shown as text: never Markdown, HTML, LaTeX, emoji, icons or links.

Streamlit reads Markdown in titles, headers, captions, alerts, expander and widget labels, metric labels
and `help` tooltips. Anything a unit typed (unit names and codes, tab titles, activity titles, notes,
values quoted in problem messages) passes through `md()` before it reaches one of those: every ASCII
punctuation mark is backslash-escaped (CommonMark's escape, so no emphasis, link, image, heading, list,
table, HTML tag or `$` formula can form), and a word joiner sits beside every `:`, `.` and `@` so no
emoji shortcode, `:material/…:` icon, `:red[…]` directive, bare web address (`https://…`, `www.…`) or
email address is recognised. Both are
invisible: the reader sees exactly what was typed.

Tables (`st.dataframe`), chart labels and select-box options are not Markdown and need none of this.
The static cards and tables of `components.static` are HTML: their text passes `html_text()` instead.
"""

from __future__ import annotations

import html
import re
import string

_JOINER = "\u2060"  # WORD JOINER: zero width, no line break, not a letter — it splits ":smile:" and "a.vn"
_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")
# Direction controls would reorder the app's own words around the data (an RLO in a unit name reverses
# the quarter's label after it): they are invisible, so dropping them shows the reader what was typed.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINK_SCHEMES = ("http://", "https://")


def md(value: object) -> str:
    """`value` as literal text inside Markdown (one line: line breaks become spaces)."""
    text = _BIDI.sub("", _BREAKS.sub(" ", "" if value is None else str(value)))
    text = _SPECIAL.sub(r"\\\1", text)
    text = text.replace("\\:", "\\:" + _JOINER).replace("\\.", _JOINER + "\\." + _JOINER)
    return text.replace("\\@", _JOINER + "\\@")


def html_text(value: object) -> str:
    """`value` as literal text inside HTML: `<`, `>`, `&` and quotes as entities, direction controls dropped."""
    return html.escape(_BIDI.sub("", "" if value is None else str(value)), quote=True)


def http_url(value: object) -> str | None:
    """`value` when it is an http(s) address (a link may only point there), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text.lower().startswith(_LINK_SCHEMES) or any(c.isspace() for c in text) or len(text) > 2000:
        return None
    return text
