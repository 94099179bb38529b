"""The exceptions the hardware package raises, in one tree.

Device *status* is never an exception: a printer that is out of paper or unplugged is
reported as a `hardware.status.PrinterStatus` value, a scanner that was unplugged as a
`hardware.scanner.ScannerStatus`. Exceptions are kept for inputs that are wrong (the
caller handed in impossible receipt content, a scanned QR part is not ours) and for
simulator set-up failures::

    HardwareError
    ├── ReceiptContentError       receipt content that cannot be printed honestly
    ├── QrPayloadError            bytes that cannot be framed into SDQR1 parts
    ├── QrPartsError              scanned SDQR1 parts that cannot be reassembled
    │   ├── QrPartFormatError         one text is not an SDQR1 part
    │   ├── QrPartsMissingError       a gap: some part numbers were never scanned
    │   ├── QrPartsDuplicateError     the same part number scanned twice
    │   └── QrPartsMismatchError      totals or payload ids disagree, or digest wrong
    ├── StatusReplyError          a printer's DLE EOT reply is not a status byte
    ├── TransportError            a serial port could not be opened, read or written
    └── SimulatorError            a simulator could not create or use its pty
        └── ScanImageError            an image given to the scanner simulator has no QR

`TransportError` and `StatusReplyError` do not escape the drivers' public methods: the
drivers turn them into status values (DISCONNECTED, NOT_RESPONDING).
"""

from __future__ import annotations


class HardwareError(Exception):
    """Base class of every exception raised on purpose by the hardware package."""


class ReceiptContentError(HardwareError, ValueError):
    """Receipt content is impossible (negative counts, blank names, ...)."""


class QrPayloadError(HardwareError, ValueError):
    """A payload is empty or too large to print as SDQR1 parts."""


class QrPartsError(HardwareError, ValueError):
    """Scanned SDQR1 parts cannot be reassembled into the printed payload."""


class QrPartFormatError(QrPartsError):
    """A scanned text is not a well-formed SDQR1 part."""


class QrPartsMissingError(QrPartsError):
    """Some part numbers between 1 and the total were not scanned."""

    def __init__(self, message: str, missing: tuple[int, ...]) -> None:
        super().__init__(message)
        self.missing = missing


class QrPartsDuplicateError(QrPartsError):
    """The same part number was scanned more than once."""


class QrPartsMismatchError(QrPartsError):
    """Parts disagree on the total or payload id, or the joined bytes fail the check."""


class StatusReplyError(HardwareError, ValueError):
    """A printer's reply to a DLE EOT status query is not a valid status byte."""


class TransportError(HardwareError, OSError):
    """A serial port could not be opened, read or written (device absent or unplugged)."""


class SimulatorError(HardwareError, RuntimeError):
    """A device simulator could not create, link or use its pseudo-terminal."""


class ScanImageError(SimulatorError):
    """An image handed to the scanner simulator contains no readable QR code."""
