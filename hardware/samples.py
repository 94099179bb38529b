"""Fixed sample receipt content: for `hw print-sample`, golden tests and demos.

Values are invented and deterministic (no clock, no randomness), so the golden ESC/POS
files built from them only change when layout or encoding changes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from hardware.receipts import (
    CandidateCount,
    ChallengeReceipt,
    ReceiptContent,
    ResultsReport,
    Station,
    TakeHomeSlip,
    TrusteeCardReprint,
    VoterRecord,
    ZeroReport,
)

WIB = timezone(timedelta(hours=7), "WIB")

STATION = Station(
    election="Pemilihan Kepala Desa Sukamaju 2025",
    village="Sukamaju",
    station="TPS 03",
    kiosk_id="KIOS-03-A",
)

_NAMES = ("Budi Santoso", "Siti Aminah", "Drs. H. Ahmad Fauzi Rahmatullah, S.Pd.")


def sample_payload(size: int, label: bytes = b"sample") -> bytes:
    """`size` deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out = bytearray()
    counter = 0
    while len(out) < size:
        out += hashlib.sha256(label + counter.to_bytes(4, "big")).digest()
        counter += 1
    return bytes(out[:size])


def zero_report() -> ZeroReport:
    return ZeroReport(
        station=STATION,
        candidates=tuple(CandidateCount(n, name, 0) for n, name in enumerate(_NAMES, 1)),
        ballots_cast=0,
        commitment_root=hashlib.sha256(b"empty").hexdigest(),
        software_version="0.1.0",
        printed_at=datetime(2025, 10, 12, 6, 55, tzinfo=WIB),
    )


def voter_record() -> VoterRecord:
    return VoterRecord(
        village="Sukamaju",
        station="TPS 03",
        candidate_number=2,
        candidate_name="Siti Aminah",
    )


def take_home_slip() -> TakeHomeSlip:
    return TakeHomeSlip(
        tracking_code="K7QP-3MXA-92TD",
        lookup="Papan pengumuman Balai Desa Sukamaju / suaradesa.example/cek",
    )


def challenge_receipt() -> ChallengeReceipt:
    return ChallengeReceipt(
        village="Sukamaju",
        station="TPS 03",
        candidate_number=2,
        candidate_name="Siti Aminah",
        tracking_code="M2QX-7RTA-0KDP-9WZC",
    )


def results_report(signed_results: bytes | None = None) -> ResultsReport:
    """A results report; the default signed record (700 bytes) needs three QR parts."""
    votes = (123, 211, 87)
    return ResultsReport(
        station=STATION,
        candidates=tuple(
            CandidateCount(n, name, v)
            for n, (name, v) in enumerate(zip(_NAMES, votes, strict=True), 1)
        ),
        ballots_cast=421,
        activations=426,
        voided=5,
        commitment_root=hashlib.sha256(b"root").hexdigest(),
        signature_fingerprint=hashlib.sha256(b"kiosk key").hexdigest()[:32],
        signed_results=sample_payload(700, b"results")
        if signed_results is None
        else signed_results,
        closed_at=datetime(2025, 10, 12, 13, 5, tzinfo=WIB),
        dpt=600,
        test_mode=False,
    )


def trustee_card() -> TrusteeCardReprint:
    return TrusteeCardReprint(
        election="Pemilihan Kepala Desa Sukamaju 2025",
        trustee_number=2,
        trustee_name="Ibu Ratna Dewi",
        card_fingerprint=hashlib.sha256(b"trustee 2").hexdigest()[:32],
        card_data=sample_payload(120, b"trustee"),
    )


#: Sample content by name, as accepted by `suaradesa hw print-sample --receipt`.
SAMPLES: dict[str, ReceiptContent] = {
    "zero": zero_report(),
    "voter": voter_record(),
    "slip": take_home_slip(),
    "challenge": challenge_receipt(),
    "results": results_report(),
    "trustee": trustee_card(),
}
