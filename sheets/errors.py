"""A small error hierarchy for data sources, each carrying a Vietnamese message fit for a page."""

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
