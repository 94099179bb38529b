"""The exception tree of ballotcore. Every expected failure raises one of these.

    BallotCoreError                 base of everything below
    ├── RecordError                 bytes that are not a well-formed canonical record
    ├── DefinitionError             an election definition that breaks a rule (names the field)
    ├── CryptoError                 a point, scalar or proof that is invalid
    │   └── ProofError              a zero-knowledge proof that does not verify
    ├── SignatureError              a signature or certificate that does not verify
    ├── VerificationError           a record that is well formed but inconsistent
    │                               (wrong election, wrong station, counts that do not add up)
    ├── PackageError                a station package that is damaged, tampered with, or
    │   │                           not for this election (message starts with the file)
    │   └── WrongInstallCode        a well-formed installation code that does not open it
    ├── CodeFormatError             a typed or scanned one-time code that is garbled (bad
    │                               character, wrong length, failed check symbol)
    └── TrusteeCardError            a trustee card that cannot be read, opened, or is for
        │                           another village or election
        └── WrongTrusteePin         the PIN does not open the card (or the card was altered)

`ballotcore.package` and `ballotcore.trustee_card` re-export the classes they raise, so
`from ballotcore.package import PackageError` keeps working. Callers catch `BallotCoreError` to turn any of these into a clear message; the message
itself is written for an election official and says what is wrong and where.
"""

from __future__ import annotations


class BallotCoreError(Exception):
    """Base class of every expected ballotcore failure."""


class RecordError(BallotCoreError):
    """Bytes that are not a well-formed, canonical record of the expected kind."""


class DefinitionError(BallotCoreError):
    """An election definition that breaks a rule; the message names the field."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class CryptoError(BallotCoreError):
    """An invalid group element, scalar or ciphertext."""


class ProofError(CryptoError):
    """A zero-knowledge proof that does not verify."""


class SignatureError(BallotCoreError):
    """A signature or certificate that does not verify."""


class VerificationError(BallotCoreError):
    """A record that is well formed and signed but inconsistent with what it claims."""


class PackageError(BallotCoreError):
    """A station package that is damaged, tampered with, or not for this election."""


class WrongInstallCode(PackageError):
    """A well-formed installation code that does not open this package's kiosk key."""


class CodeFormatError(BallotCoreError):
    """A one-time code (installation or unlock) that is garbled; the message is bilingual."""


class TrusteeCardError(BallotCoreError):
    """A trustee card that cannot be read, opened, or does not belong to this village."""


class WrongTrusteePin(TrusteeCardError):
    """The PIN does not open the card (or the card was altered)."""
