"""The exceptions the tally raises, in one tree.

    TallyError                  base of every expected tally failure
    ├── DatabaseError           the tally database is missing, foreign or of another schema
    ├── RejectedInput           one input file was refused; `.reason` says why in one sentence
    ├── ResolveError            `tally resolve` was asked for something that is not a conflict
    ├── AuthError               a login, session or CSRF token refused (`tally serve`)
    └── PaperCountError         an official's audit-box paper count refused (unknown station,
                                negative, more than the station's DPT + DPTb)

A rejected input is not fatal for an import: the other files of the same import are
still considered, the rejected one is reported with its reason and never touches the
database. The CLI turns every `TallyError` into a `click.ClickException`.
"""

from __future__ import annotations


class TallyError(Exception):
    """Base class of every expected tally failure."""


class DatabaseError(TallyError):
    """The tally database cannot be used (missing, foreign election, unknown schema)."""


class RejectedInput(TallyError):
    """An input file that the tally refuses, with the reason (one sentence)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ResolveError(TallyError):
    """A resolution that does not match a held conflict."""


class AuthError(TallyError):
    """An official's login, session or CSRF token that the server refuses."""


class PaperCountError(TallyError):
    """An official's paper count that the tally refuses (unknown station, absurd number)."""
