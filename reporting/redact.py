"""Keep secrets out of every log line: a logging filter that blanks known secret values and key material.

Messages the app writes never quote a secret, but a library's exception may quote whatever it was
given (a private key pasted into the wrong field of the service account, say), and a logged traceback
carries that text. `install()` cleans every record as it is made, whoever handles it; the configuration
reader hands it the secret values it read (`remember`). Key-shaped text (PEM blocks,
long base64 runs, OAuth tokens) is blanked even when nobody remembered it.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "[đã ẩn]"
# Fields whose values are secrets wherever they appear; other fields of these tables are not secret
# (the service account's email is what people share the sheet with) but are blanked all the same when a
# value looks like key material.
SECRET_FIELDS = {
    "gcp_service_account": ("private_key", "private_key_id", "client_id"),
    "auth": ("client_secret", "cookie_secret"),
    "smtp": ("password",),
}
_KEY_SHAPED = (
    re.compile(r"-----BEGIN[A-Z ]*-----.*?(-----END[A-Z ]*-----|$)", re.DOTALL),
    re.compile(r"[A-Za-z0-9+/]{60,}={0,2}"),  # base64 of a key, with or without its PEM lines
    re.compile(r"ya29\.[A-Za-z0-9._-]+"),  # Google OAuth access tokens
)
_MIN_SECRET = 6  # shorter values are not worth masking (and would blank ordinary words)


def looks_secret(text: object) -> bool:
    """True when `text` holds something shaped like key material: a PEM block, an OAuth token, or (in a
    text that is not an address: a spreadsheet URL's path is long base64-like text too) a long base64 run."""
    if not isinstance(text, str):
        return False
    pem, base64, token = _KEY_SHAPED
    return bool(pem.search(text) or token.search(text) or ("://" not in text and base64.search(text)))


class Redactor(logging.Filter):
    """Rewrites each record's message and traceback with every secret blanked; never drops a record."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def remember(self, values: Iterable[str]) -> None:
        """Add secret values (and each line of a multi-line one, and its backslash-n spelling)."""
        found = set()
        for value in values:
            if not isinstance(value, str):
                continue
            for piece in (value, value.replace("\n", "\\n"), *value.splitlines()):
                if len(piece.strip()) >= _MIN_SECRET:
                    found.add(piece.strip())
        with self._lock:
            self._secrets = self._secrets | found

    def clean(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        for pattern in _KEY_SHAPED:
            text = pattern.sub(MASK, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep only the template
            message = str(record.msg)
        record.msg, record.args = self.clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self.clean(record.stack_info)
        return True


REDACTOR = Redactor()


def secret_values(tables: Mapping[str, Any]) -> list[str]:
    """The secret values of a configuration's tables (`SECRET_FIELDS`), for `REDACTOR.remember`."""
    values: list[str] = []
    for section, fields in SECRET_FIELDS.items():
        table = tables.get(section)
        if not isinstance(table, Mapping):
            continue
        for name, value in table.items():
            if isinstance(value, Mapping):  # [auth.google] and the like
                values += [str(v) for k, v in value.items() if k in fields and isinstance(v, str)]
            elif name in fields and isinstance(value, str):
                values.append(value)
    return values


_installed = False


def install() -> None:
    """Redact every log record of this process as it is made (a record factory, so every handler,
    Streamlit's and a test's included, receives the cleaned text). Idempotent."""
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def cleaned(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        REDACTOR.filter(record)
        return record

    logging.setLogRecordFactory(cleaned)
    _installed = True
