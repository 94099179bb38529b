"""Results QR codes from phone photos or scans of the printed results report.

The kiosk prints its signed results record (`SignedRecord.to_bytes()` of a
`ballotcore.results.StationResults`) as one or more SDQR1 parts (`hardware.qrparts`).
`read_qr_texts(image_bytes)` finds every QR code in a photo (trying rotations and scales
when the first read fails, since phone photos are tilted and large); `join_payloads`
groups the SDQR1 parts of all photos of one import by payload id and joins each group;
`verify_results_qr(payload, record)` checks the signature against the kiosk key the
public record certifies for that station.

A verified QR result is provisional: it is counted only until the station's bundle
arrives, and a QR whose record differs from the bundle's is an anomaly.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps

from ballotcore.errors import BallotCoreError
from ballotcore.hashing import digest32
from ballotcore.limits import MAX_IMAGE_PIXELS
from ballotcore.public_record import PublicRecord
from ballotcore.results import LABEL as RESULTS_LABEL
from ballotcore.results import StationResults
from ballotcore.signing import SignedRecord
from hardware.errors import QrPartsError
from hardware.qrparts import join_qr_parts, parse_qr_part
from tally.errors import RejectedInput

#: Largest photo accepted, in pixels (a 48-megapixel phone camera); refused before decoding.
#: Longest side an image is scaled down to before the first read (keeps decoding fast).
WORK_SIDE = 2400


@dataclass(frozen=True, slots=True)
class QrResult:
    """A results record read from QR codes whose kiosk signature verified."""

    results: StationResults
    envelope: bytes  # the signed envelope bytes exactly as printed
    digest: str  # hex digest of the envelope, for de-duplication


def _open_image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            width, height = opened.size
            if width * height > MAX_IMAGE_PIXELS:
                raise RejectedInput(f"photo is {width}x{height} pixels, more than allowed")
            opened.load()
        image: Image.Image = ImageOps.exif_transpose(opened) or opened
        return image.convert("L")
    except RejectedInput:
        raise
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            SyntaxError) as exc:
        raise RejectedInput(f"is not a readable PNG/JPEG image ({exc})") from exc


def _read(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [b.text for b in found if b.valid]


def read_qr_texts(data: bytes) -> list[str]:
    """The texts of every QR code found in a photo; `RejectedInput` if there is none."""
    image = _open_image(data)
    if max(image.size) > WORK_SIDE:
        scale = WORK_SIDE / max(image.size)
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    attempts = [
        lambda im: im,
        lambda im: im.rotate(45, expand=True, fillcolor=255),
        lambda im: im.rotate(-45, expand=True, fillcolor=255),
        lambda im: im.resize((im.width * 2, im.height * 2)) if max(im.size) < 1600 else im,
        lambda im: im.resize((max(1, im.width // 2), max(1, im.height // 2))),
        lambda im: ImageOps.autocontrast(im).point(lambda p: 255 if p > 128 else 0),
    ]
    texts: list[str] = []
    for attempt in attempts:
        texts = _read(attempt(image))
        if texts:
            break
    if not texts:
        raise RejectedInput("no QR code could be read in this photo")
    return list(dict.fromkeys(texts))


def group_parts(texts: list[str]) -> dict[str, list[str]]:
    """SDQR1 part texts grouped by payload id; a text that is not ours is refused."""
    groups: dict[str, list[str]] = {}
    for text in texts:
        try:
            _, _, pid, _ = parse_qr_part(text)
        except QrPartsError as exc:
            raise RejectedInput(f"holds a QR code that is not a SuaraDesa results code ({exc})")\
                from exc
        if text not in groups.setdefault(pid, []):
            groups[pid].append(text)
    return groups


def join_group(texts: list[str]) -> bytes:
    """Join one payload's parts; `RejectedInput` naming the missing parts otherwise."""
    try:
        return join_qr_parts(texts)
    except QrPartsError as exc:
        raise RejectedInput(f"results QR parts cannot be joined: {exc}") from exc


_DEFINITION_DIGEST: list[tuple[object, bytes]] = []


def _definition_digest(record: PublicRecord) -> bytes:
    """`record.definition.digest()`, computed once per definition object.

    Hashing the definition re-encodes every village; reports verify one results
    envelope per station, so recomputing it made `build_view` quadratic in the number of
    villages (measured: 3 ms a station at 20 villages, growing with each village).
    """
    definition = record.definition
    if not _DEFINITION_DIGEST or _DEFINITION_DIGEST[0][0] is not definition:
        _DEFINITION_DIGEST[:] = [(definition, definition.digest())]
    return _DEFINITION_DIGEST[0][1]


def verify_results_qr(payload: bytes, record: PublicRecord) -> QrResult:
    """Verify a joined results payload against the public record; `RejectedInput` if not.

    Checks: a signed results record, for this election and definition, by the kiosk the
    public record certifies for the station it names, official mode, counts that add up.
    """
    try:
        envelope = SignedRecord.from_bytes(payload)
        claimed = StationResults.from_bytes(envelope.record)
    except BallotCoreError as exc:
        raise RejectedInput(f"QR payload is not a signed results record: {exc}") from exc
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise RejectedInput(f"QR payload is malformed: {exc}") from exc
    definition = record.definition
    if claimed.election_id != definition.election_id:
        raise RejectedInput(f"results QR is for another election ({claimed.election_id})")
    if claimed.definition_hash != _definition_digest(record):
        raise RejectedInput("results QR was made under a different election definition")
    cert = record.certificates.get(claimed.kiosk_id)
    if cert is None:
        raise RejectedInput(f"kiosk {claimed.kiosk_id} is not certified in the public record")
    if (cert.village, cert.station) != (claimed.village, claimed.station):
        raise RejectedInput(
            f"kiosk {claimed.kiosk_id} is certified for {cert.village}/{cert.station}, "
            f"not {claimed.village}/{claimed.station}"
        )
    try:
        envelope.verify(cert.public_key, RESULTS_LABEL)
    except BallotCoreError as exc:
        raise RejectedInput(f"results QR signature does not verify: {exc}") from exc
    if claimed.mode != "official":
        raise RejectedInput("results QR is from a test-mode kiosk, not an official count")
    village = definition.village(claimed.village)
    if len(claimed.votes) != len(village.candidates):
        raise RejectedInput("results QR does not list every candidate")
    if claimed.total_votes != claimed.ballots:
        raise RejectedInput(
            f"results QR counts {claimed.total_votes} votes for {claimed.ballots} ballots"
        )
    return QrResult(claimed, payload, digest32("results-qr", payload).hex())
