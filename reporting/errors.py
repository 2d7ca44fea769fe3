"""The one error hierarchy: every failure a person may see carries a Vietnamese message fit for a page.

`SourceError` and its kinds come from reading or writing the spreadsheet (the adapters in `sheets/`
raise them); `WriteRefused` is a write stopped before it reached the backend, `NotAllowed` one the user
may not make. `reporting.config.ConfigError` is the configuration's own (it carries a list of problems).
"""

from __future__ import annotations


class SourceError(Exception):
    """Reading or writing the spreadsheet failed; `str(err)` is a Vietnamese message for the user.

    Messages never contain credentials.
    """


class SourceNotFound(SourceError):
    """The file, spreadsheet or tab does not exist."""


class SourceAccessDenied(SourceError):
    """The service account may not open the spreadsheet."""


class SourceUnavailable(SourceError):
    """The backend failed transiently (quota, 5xx, timeout) and retries ran out."""


class WriteRefused(SourceError):
    """A write was refused before reaching the backend (wrong role, wrong unit, invalid row)."""


class CredentialsInvalid(SourceError):
    """The service-account key is malformed, revoked or refused by Google's token endpoint."""


class NotAllowed(WriteRefused, PermissionError):
    """The user may not make this write (another unit's, or a read-only role). Also a PermissionError."""


class MailError(Exception):
    """Sending an email failed; `str(err)` is a Vietnamese reason naming no secret (the adapter in `mailer/`
    raises it; the reminders record it and retry on the next run)."""
