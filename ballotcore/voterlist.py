"""The station's voter list (DPT) and the invitation QR codes that point into it.

The DPT is personal data (UU 27/2022 on personal data protection), so it never lies in
plain bytes on the USB stick: provisioning seals each station's list with AES-256-GCM
under a key derived from that station's kiosk private key, which only an installed kiosk
holds (after an officer PIN has unwrapped it, `kiosk.device`). The associated data binds
the sealed list to its election, village and station, so a list copied to another
station's package does not open.

Records (docs/PROTOCOL.md 9.4):

    SD/voter-list v1          {"election_id", "village", "station", "invitation_key",
                               "voters": [{"dpt", "nik", "name", "sex", "birth_year",
                                           "rt", "rw"}, ...]}   (sorted by "dpt")
    SD/voter-list-sealed v1   {"election_id", "village", "station", "nonce", "sealed"}

    key    = HKDF-SHA256(ikm = kiosk private key (32 bytes), salt = kiosk public key,
                         info = "SuaraDesa/v1/voter-list/<election_id>/<village>/<station>")
    sealed = AES-256-GCM(key, nonce (12 random bytes), SD/voter-list bytes,
                         aad = H("voter-list", election_id, village, station))

An invitation (surat pemberitahuan) carries a QR code with the text

    SDI1.<village>.<station>.<dpt>.<mac>

where mac is 16 lowercase hex digits, the first 8 bytes of HMAC-SHA256(invitation_key,
H("invitation", election_id, village, station, dpt as decimal text)). Codes may contain
".", so the text is read from the right (mac, dpt) and the rest compared whole. The invitation key is
32 random bytes per station, made at provisioning and kept only inside the sealed list, so
an invitation for one station is refused at another (wrong station in the text, or a MAC
that does not check under this station's key), and a typed or damaged code is refused
rather than checking in the wrong voter. The QR names no person: the DPT number means
nothing without the sealed list.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.errors import BallotCoreError
from ballotcore.hashing import hash_bytes
from ballotcore.rng import OS_RANDOM, RandomSource
from ballotcore.signing import public_bytes

LIST_KIND = "voter-list"
SEALED_KIND = "voter-list-sealed"
VERSION = 1
VOTERS_FILE = "voters.sealed.json"  # the sealed list's name inside a station package
SEXES = ("L", "P")  # laki-laki, perempuan (as on the KTP)
INVITATION_PREFIX = "SDI1"
MAC_BYTES = 8
NIK_DIGITS = 16
_NIK = re.compile(r"[0-9]{16}")
# village and station codes may themselves contain "." (`ballotcore.election` ids, e.g. the
# sample's "06.099.1206.17091"), so the text is read from the right: mac, dpt, and the rest
# is "<village>.<station>", compared whole with the station's own.
_INVITATION = re.compile(r"SDI1\.([A-Za-z0-9._-]{3,129})\.([1-9][0-9]{0,5})\.([0-9a-f]{16})")

Sex = Literal["L", "P"]


class VoterListError(BallotCoreError):
    """A voter list that is malformed, or sealed for another station or kiosk."""


class InvitationError(BallotCoreError):
    """An invitation QR that cannot check a voter in here.

    `reason` is "garbled" (not an invitation, or damaged), "foreign" (another election's
    or station's invitation) or "forged" (the right form, but its MAC does not check).
    """

    def __init__(self, reason: Literal["garbled", "foreign", "forged"], message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Voter:
    """One entry of the DPT: what the officer compares with the voter's KTP."""

    dpt_number: int  # nomor urut DPT at this station, 1..n
    nik: str  # Nomor Induk Kependudukan, 16 digits
    name: str
    sex: Sex
    birth_year: int
    rt: int
    rw: int

    def to_body(self) -> dict[str, Any]:
        return {"dpt": self.dpt_number, "nik": self.nik, "name": self.name, "sex": self.sex,
                "birth_year": self.birth_year, "rt": self.rt, "rw": self.rw}

    @classmethod
    def from_body(cls, body: dict[str, Any]) -> Voter:
        expect_keys(body, {"dpt", "nik", "name", "sex", "birth_year", "rt", "rw"}, "voter")
        voter = cls(field(body, "dpt", int), field(body, "nik", str), field(body, "name", str),
                    field(body, "sex", str), field(body, "birth_year", int),
                    field(body, "rt", int), field(body, "rw", int))
        check_voter(voter)
        return voter


def check_voter(voter: Voter) -> None:
    """VoterListError unless every field of `voter` is well formed (the message names it)."""
    where = f"DPT {voter.dpt_number}"
    if voter.dpt_number < 1:
        raise VoterListError(f"{where}: nomor DPT harus >= 1 / DPT number must be >= 1")
    if not _NIK.fullmatch(voter.nik):
        raise VoterListError(
            f"{where}: NIK harus {NIK_DIGITS} angka / NIK must be {NIK_DIGITS} digits")
    if not voter.name.strip() or len(voter.name) > 100:
        raise VoterListError(f"{where}: nama kosong atau terlalu panjang / name empty or too long")
    if voter.sex not in SEXES:
        raise VoterListError(f"{where}: jenis kelamin harus L atau P / sex must be L or P")
    if not 1850 <= voter.birth_year <= 2100:
        raise VoterListError(f"{where}: tahun lahir tidak wajar / implausible year of birth")
    if not (0 <= voter.rt <= 999 and 0 <= voter.rw <= 999):
        raise VoterListError(f"{where}: RT/RW harus 0..999 / RT/RW must be 0..999")


@dataclass(frozen=True, slots=True)
class VoterList:
    """The DPT of one polling station, with the key that authenticates its invitations."""

    election_id: str
    village: str
    station: str
    voters: tuple[Voter, ...]  # sorted by DPT number
    invitation_key: bytes  # 32 bytes

    def __post_init__(self) -> None:
        check_voters(self.voters)
        if len(self.invitation_key) != 32:
            raise VoterListError("kunci undangan harus 32 byte / invitation key must be 32 bytes")

    def by_dpt(self) -> dict[int, Voter]:
        return {v.dpt_number: v for v in self.voters}

    def count_by_sex(self) -> dict[str, int]:
        """{"L": men, "P": women} on the list."""
        out = dict.fromkeys(SEXES, 0)
        for v in self.voters:
            out[v.sex] += 1
        return out

    def to_bytes(self) -> bytes:
        return encode_record(LIST_KIND, VERSION, {
            "election_id": self.election_id, "village": self.village, "station": self.station,
            "invitation_key": self.invitation_key.hex(),
            "voters": [v.to_body() for v in self.voters],
        })

    @classmethod
    def from_bytes(cls, data: bytes) -> VoterList:
        body = decode_record(LIST_KIND, VERSION, data)
        expect_keys(body, {"election_id", "village", "station", "invitation_key", "voters"},
                    "voter list")
        voters = tuple(Voter.from_body(v) for v in field(body, "voters", list))
        return cls(field(body, "election_id", str), field(body, "village", str),
                   field(body, "station", str), voters,
                   hex_bytes(field(body, "invitation_key", str), 32, "invitation_key"))


def check_voters(voters: Iterable[Voter]) -> None:
    """VoterListError for an empty list, a malformed voter, a list not sorted by DPT number,
    or a DPT number or NIK that appears twice (the message names both entries)."""
    seen_nik: dict[str, int] = {}
    last = 0
    count = 0
    for v in voters:
        check_voter(v)
        if v.dpt_number <= last:
            raise VoterListError(
                f"DPT {v.dpt_number}: nomor DPT ganda atau tidak urut / "
                "DPT number repeated or out of order")
        if v.nik in seen_nik:
            raise VoterListError(
                f"DPT {v.dpt_number}: NIK sama dengan DPT {seen_nik[v.nik]} / "
                f"same NIK as DPT {seen_nik[v.nik]}")
        seen_nik[v.nik] = v.dpt_number
        last = v.dpt_number
        count += 1
    if count == 0:
        raise VoterListError("daftar pemilih kosong / the voter list is empty")


def new_invitation_key(rng: RandomSource = OS_RANDOM) -> bytes:
    """A fresh 32-byte invitation key for one station (the OS CSPRNG unless injected)."""
    return rng.token_bytes(32)


# ------------------------------------------------------------------ sealing


def voter_list_key(kiosk_key: Ed25519PrivateKey, election_id: str, village: str,
                   station: str) -> bytes:
    """The AES-256-GCM key of a station's sealed list (see the module docstring)."""
    info = f"SuaraDesa/v1/voter-list/{election_id}/{village}/{station}".encode()
    return HKDF(hashes.SHA256(), 32, salt=public_bytes(kiosk_key),
                info=info).derive(kiosk_key.private_bytes_raw())


def _aad(election_id: str, village: str, station: str) -> bytes:
    return hash_bytes("voter-list", election_id.encode(), village.encode(), station.encode())


def seal_voter_list(voters: VoterList, kiosk_key: Ed25519PrivateKey,
                    rng: RandomSource = OS_RANDOM) -> bytes:
    """The SD/voter-list-sealed record for `voters`, openable only with `kiosk_key`."""
    ids = (voters.election_id, voters.village, voters.station)
    nonce = rng.token_bytes(12)
    sealed = AESGCM(voter_list_key(kiosk_key, *ids)).encrypt(nonce, voters.to_bytes(), _aad(*ids))
    return encode_record(SEALED_KIND, VERSION, {
        "election_id": ids[0], "village": ids[1], "station": ids[2],
        "nonce": nonce.hex(), "sealed": sealed.hex(),
    })


def open_voter_list(data: bytes, kiosk_key: Ed25519PrivateKey, election_id: str,
                    village: str, station: str) -> VoterList:
    """The station's list from its sealed record; VoterListError (bilingual) if the record
    is damaged, sealed for another station, or does not open with this kiosk's key."""
    try:
        body = decode_record(SEALED_KIND, VERSION, data)
        expect_keys(body, {"election_id", "village", "station", "nonce", "sealed"},
                    "sealed voter list")
        ids = (field(body, "election_id", str), field(body, "village", str),
               field(body, "station", str))
        nonce = hex_bytes(field(body, "nonce", str), 12, "nonce")
        sealed = hex_bytes(field(body, "sealed", str), None, "sealed")
    except BallotCoreError as exc:
        raise VoterListError(f"daftar pemilih rusak / voter list damaged: {exc}") from exc
    if ids != (election_id, village, station):
        raise VoterListError(
            f"daftar pemilih untuk TPS lain ({ids[1]}/{ids[2]}) / "
            f"voter list of another station ({ids[1]}/{ids[2]})")
    try:
        plain = AESGCM(voter_list_key(kiosk_key, *ids)).decrypt(nonce, sealed, _aad(*ids))
    except InvalidTag as exc:
        raise VoterListError(
            "daftar pemilih tidak terbuka dengan kunci kiosk ini / "
            "the voter list does not open with this kiosk's key") from exc
    voters = VoterList.from_bytes(plain)
    if (voters.election_id, voters.village, voters.station) != ids:
        raise VoterListError("daftar pemilih tidak cocok / voter list does not match its seal")
    return voters


# ------------------------------------------------------------------ invitations


def _mac(key: bytes, election_id: str, village: str, station: str, dpt_number: int) -> str:
    msg = hash_bytes("invitation", election_id.encode(), village.encode(), station.encode(),
                     str(dpt_number).encode())
    return hmac.new(key, msg, sha256).digest()[:MAC_BYTES].hex()


def invitation_text(voters: VoterList, dpt_number: int) -> str:
    """The QR text of the invitation for DPT number `dpt_number` of this list."""
    if dpt_number not in voters.by_dpt():
        raise VoterListError(f"DPT {dpt_number} tidak ada di daftar / not on the list")
    mac = _mac(voters.invitation_key, voters.election_id, voters.village, voters.station,
               dpt_number)
    return f"{INVITATION_PREFIX}.{voters.village}.{voters.station}.{dpt_number}.{mac}"


def read_invitation(text: str, voters: VoterList) -> int:
    """The DPT number an invitation QR names, checked against this station's list.

    InvitationError with reason "garbled", "foreign" or "forged" (bilingual message that
    says what the officer should do); an unknown DPT number is "forged".
    """
    m = _INVITATION.fullmatch(text.strip())
    if m is None:
        raise InvitationError(
            "garbled", "Kode undangan tidak terbaca; pindai lagi atau cari nama. / "
                       "Invitation code unreadable; scan again or search by name.")
    where, dpt_text, mac = m.groups()
    if where != f"{voters.village}.{voters.station}":
        raise InvitationError(
            "foreign", f"Undangan untuk TPS lain ({where}). / "
                       f"Invitation for another station ({where}).")
    dpt = int(dpt_text)
    expected = _mac(voters.invitation_key, voters.election_id, voters.village, voters.station,
                    dpt)
    if not hmac.compare_digest(expected, mac) or dpt not in voters.by_dpt():
        raise InvitationError(
            "forged", "Undangan tidak sah untuk TPS ini; cari nama di daftar. / "
                      "Invitation not valid for this station; search the list by name.")
    return dpt


__all__ = [
    "INVITATION_PREFIX",
    "LIST_KIND",
    "SEALED_KIND",
    "SEXES",
    "VOTERS_FILE",
    "InvitationError",
    "Voter",
    "VoterList",
    "VoterListError",
    "check_voter",
    "check_voters",
    "invitation_text",
    "new_invitation_key",
    "open_voter_list",
    "read_invitation",
    "seal_voter_list",
    "voter_list_key",
]
