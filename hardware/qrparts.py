"""SDQR1: opaque bytes split across numbered QR codes, and joined back.

A signed results record may be too large for one printable QR code. `split_qr_parts`
frames it into one or more ASCII texts, each small enough for a QR code of at most
`MAX_QR_VERSION` at error-correction level M in byte mode; `join_qr_parts` validates a
set of scanned texts and returns the original bytes. Every payload is framed, even one
that fits a single code, so a reader only ever handles one format.

Frame (ASCII, single spaces)::

    SDQR1 <part>/<total> <payload-id> <chunk>

    SDQR1       magic and format version
    part        1..total, decimal without leading zeros
    total       1..99, decimal without leading zeros
    payload-id  first 8 hex digits (lowercase) of SHA-256 over the whole payload
    chunk       standard base64 (RFC 4648, with padding) of this part's bytes

Example: ``SDQR1 1/2 5d41402a AAECAwQF...``. The chunks, decoded and concatenated in
part order, are the payload; its SHA-256 must start with the payload id.

The payload id is not a security measure (the payload carries its own signature): it
keeps parts of two different reports from being joined, and catches a wrong chunk
order. Parts are sized evenly; all but the last carry a multiple of 3 bytes, so only
the last chunk may carry base64 padding.

This module is stdlib-only so the tally can import it without pyserial or Pillow.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from hardware.errors import (
    QrPartFormatError,
    QrPartsDuplicateError,
    QrPartsMismatchError,
    QrPartsMissingError,
    QrPayloadError,
)

MAGIC = "SDQR1"
#: Largest QR version a part may need. Version 16 is 81x81 modules: 4 dots per module
#: on 58 mm paper, 6 on 80 mm, which a phone camera reads from a photo of the receipt.
MAX_QR_VERSION = 16
#: Byte-mode capacity of a version-16 code at error correction M (ISO/IEC 18004 table 7).
PART_CAPACITY = 450
MAX_PARTS = 99
_ID_HEX = 8

_FRAME = re.compile(
    r"SDQR1 (?P<part>[1-9][0-9]?)/(?P<total>[1-9][0-9]?) "
    r"(?P<pid>[0-9a-f]{8}) (?P<chunk>[A-Za-z0-9+/]+={0,2})"
)


def payload_id(payload: bytes) -> str:
    """The 8-hex-digit id printed in every part of `payload`."""
    return hashlib.sha256(payload).hexdigest()[:_ID_HEX]


def _header(part: int, total: int, pid: str) -> str:
    return f"{MAGIC} {part}/{total} {pid} "


def split_qr_parts(payload: bytes, capacity: int = PART_CAPACITY) -> list[str]:
    """Frame `payload` into SDQR1 part texts, each at most `capacity` characters.

    Returns parts in order; `len(result)` is the total. Raises `QrPayloadError` for an
    empty payload or one that would need more than 99 parts.
    """
    if not payload:
        raise QrPayloadError("cannot frame an empty payload")
    pid = payload_id(payload)
    # Room for base64 after the longest header this payload can need ("99/99").
    room = capacity - len(_header(MAX_PARTS, MAX_PARTS, pid))
    per_part_max = (room // 4) * 3
    if per_part_max < 3:
        raise QrPayloadError(f"capacity {capacity} leaves no room for data")
    total = -(-len(payload) // per_part_max)
    if total > MAX_PARTS:
        raise QrPayloadError(
            f"payload of {len(payload)} bytes needs {total} QR parts; at most {MAX_PARTS}"
        )
    # Spread bytes evenly, in multiples of 3 so only the last chunk is padded.
    per_part = -(-len(payload) // total)
    per_part = -(-per_part // 3) * 3
    parts: list[str] = []
    for index in range(total):
        chunk = payload[index * per_part : (index + 1) * per_part]
        parts.append(_header(index + 1, total, pid) + base64.b64encode(chunk).decode("ascii"))
    return parts


def parse_qr_part(text: str) -> tuple[int, int, str, bytes]:
    """Parse one scanned text into (part, total, payload id, chunk bytes).

    Surrounding whitespace (a scanner's CR/LF) is ignored. Raises `QrPartFormatError`.
    """
    match = _FRAME.fullmatch(text.strip())
    if match is None:
        prefix = text.strip()[:12]
        raise QrPartFormatError(f"not an SDQR1 part (starts {prefix!r})")
    part, total = int(match["part"]), int(match["total"])
    if part > total:
        raise QrPartFormatError(f"part number {part} is larger than the total {total}")
    try:
        chunk = base64.b64decode(match["chunk"], validate=True)
    except binascii.Error as exc:
        raise QrPartFormatError(f"part {part}/{total} has invalid base64") from exc
    return part, total, match["pid"], chunk


def join_qr_parts(texts: list[str]) -> bytes:
    """Reassemble the payload from scanned SDQR1 part texts, in any order.

    Every part from 1 to the total must be present exactly once and all must agree on
    the total and the payload id; the joined bytes must match the id. Callers that may
    photograph the same code twice should drop identical texts first
    (`list(dict.fromkeys(texts))`): a repeated part number is reported, not guessed.

    Raises `QrPartFormatError`, `QrPartsMismatchError`, `QrPartsDuplicateError` or
    `QrPartsMissingError` (all `QrPartsError`).
    """
    if not texts:
        raise QrPartsMissingError("no QR parts were scanned", missing=())
    parsed = [parse_qr_part(text) for text in texts]
    totals = {total for _, total, _, _ in parsed}
    if len(totals) != 1:
        raise QrPartsMismatchError(f"parts disagree on the number of parts: {sorted(totals)}")
    ids = {pid for _, _, pid, _ in parsed}
    if len(ids) != 1:
        raise QrPartsMismatchError(f"parts come from {len(ids)} different payloads: {sorted(ids)}")
    (total,) = totals
    (pid,) = ids
    chunks: dict[int, bytes] = {}
    for part, _, _, chunk in parsed:
        if part in chunks:
            raise QrPartsDuplicateError(f"part {part}/{total} was scanned more than once")
        chunks[part] = chunk
    missing = tuple(n for n in range(1, total + 1) if n not in chunks)
    if missing:
        listed = ", ".join(str(n) for n in missing)
        raise QrPartsMissingError(f"missing QR part(s) {listed} of {total}", missing=missing)
    payload = b"".join(chunks[n] for n in range(1, total + 1))
    if payload_id(payload) != pid:
        raise QrPartsMismatchError(
            f"joined payload does not match payload id {pid}; a part is corrupt"
        )
    return payload
