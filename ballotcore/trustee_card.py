"""Trustee cards: one trustee's key share, sealed under a trustee PIN, small enough for a QR code.

The card is a record

    {"$magic":"SD/trustee-card","$v":1,"election_id":..,"index":i,"kdf":{..},
     "nonce":<12 bytes hex>,"salt":<16 bytes hex>,"sealed":<48 bytes hex>,"village":..}

where `sealed` = AES-256-GCM(key, nonce, s_i as 32 little-endian bytes, aad) with `key`
derived from the trustee PIN by Argon2id + HKDF (`ballotcore.kdf.derive_pin_keys`,
purpose "trustee-card", parameters in the card's "kdf") and aad = H("trustee-card", election id, village, index). So a
card cannot be moved to another election, village or trustee slot without failing to open.

QR payload: the record bytes themselves (pure ASCII JSON, about 340 bytes), encoded in
byte mode at error-correction level M (QR version 13 or so). A `.sdcard` file holds the
same bytes. `parse_trustee_card(payload)` is the one way in.

Opening a card also checks the recovered share against the village's public Feldman
commitments (`ballotcore.trustees.check_share`), so a wrong or substituted card is refused
before it takes part in a decryption. What the card does not protect against: someone who
holds both the card and the PIN sheet. A photographed card alone costs an offline search
of the 14-digit PIN at Argon2id cost per guess: an expected ~90,000 core-years on the
reference machine (`ballotcore.kdf.SECRETS`, docs/SECURITY.md). The printed card says it
is secret ("RAHASIA").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ballotcore import group
from ballotcore.codec import decode_record, encode_record, expect_keys, field, hex_bytes
from ballotcore.errors import BallotCoreError, CryptoError, TrusteeCardError, WrongTrusteePin
from ballotcore.hashing import hash_bytes
from ballotcore.kdf import SECRETS, PinKdf, derive_pin_keys
from ballotcore.pins import is_weak_pin
from ballotcore.public_record import VillageKey
from ballotcore.trustees import TrusteeShare, check_share

KIND = "trustee-card"
VERSION = 1
PURPOSE = "trustee-card"
TRUSTEE_PIN_DIGITS = SECRETS[PURPOSE].length
#: Trustee-card cost (the table in `ballotcore.kdf`): Argon2id, 32 MiB, one pass.
TRUSTEE_KDF = SECRETS[PURPOSE].kdf


@dataclass(frozen=True, slots=True)
class TrusteeCard:
    """A parsed (still sealed) trustee card."""

    election_id: str
    village: str
    index: int
    kdf: PinKdf
    salt: bytes
    nonce: bytes
    sealed: bytes

    def to_bytes(self) -> bytes:
        """The record bytes: also the QR payload and the `.sdcard` file content."""
        return encode_record(
            KIND,
            VERSION,
            {
                "election_id": self.election_id,
                "village": self.village,
                "index": self.index,
                "kdf": self.kdf.to_body(),
                "salt": self.salt.hex(),
                "nonce": self.nonce.hex(),
                "sealed": self.sealed.hex(),
            },
        )


def _aad(election_id: str, village: str, index: int) -> bytes:
    return hash_bytes(PURPOSE, election_id.encode(), village.encode(), index.to_bytes(4, "big"))


def new_trustee_pin() -> str:
    """A fresh random 14-digit trustee PIN (from `secrets`), weak patterns refused."""
    while True:
        pin = "".join(secrets.choice("0123456789") for _ in range(TRUSTEE_PIN_DIGITS))
        if not is_weak_pin(pin):
            return pin


def seal_share(
    election_id: str,
    village: str,
    share: TrusteeShare,
    pin: str,
    kdf: PinKdf | None = None,
) -> TrusteeCard:
    """Seal trustee `share.index`'s share of `village`'s key under `pin`."""
    kdf = kdf or TRUSTEE_KDF
    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    _, key = derive_pin_keys(pin, salt, kdf, PURPOSE)
    sealed = AESGCM(key).encrypt(
        nonce, group.scalar_bytes(share.secret), _aad(election_id, village, share.index)
    )
    return TrusteeCard(election_id, village, share.index, kdf, salt, nonce, sealed)


def parse_trustee_card(data: bytes | str) -> TrusteeCard:
    """Parse a scanned QR payload or `.sdcard` file; raise TrusteeCardError if malformed."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = data.strip()
    try:
        body = decode_record(KIND, VERSION, data)
        expect_keys(
            body,
            {"election_id", "village", "index", "kdf", "salt", "nonce", "sealed"},
            "trustee card",
        )
        index = field(body, "index", int)
        if not 1 <= index <= 255:
            raise TrusteeCardError("trustee index out of range")
        return TrusteeCard(
            field(body, "election_id", str),
            field(body, "village", str),
            index,
            PinKdf.from_body(body["kdf"]),
            hex_bytes(body["salt"], 16, "salt"),
            hex_bytes(body["nonce"], 12, "nonce"),
            hex_bytes(body["sealed"], 48, "sealed"),
        )
    except TrusteeCardError:
        raise
    except BallotCoreError as exc:
        raise TrusteeCardError(f"not a valid trustee card: {exc}") from exc


def open_trustee_card(
    card: TrusteeCard, pin: str, village_key: VillageKey, election_id: str | None = None
) -> TrusteeShare:
    """Decrypt the share with `pin` and check it against the village's commitments."""
    if card.village != village_key.village:
        raise TrusteeCardError(
            f"this card is for village {card.village}, not {village_key.village}"
        )
    if election_id is not None and card.election_id != election_id:
        raise TrusteeCardError("this card is for another election")
    _, key = derive_pin_keys(pin.strip(), card.salt, card.kdf, PURPOSE)
    try:
        raw = AESGCM(key).decrypt(
            card.nonce, card.sealed, _aad(card.election_id, card.village, card.index)
        )
    except InvalidTag as exc:
        raise WrongTrusteePin(
            f"wrong PIN for trustee card {card.index} (or the card was altered)"
        ) from exc
    try:
        share = TrusteeShare(card.index, group.decode_scalar(raw))
        check_share(village_key.commitments, share)
    except CryptoError as exc:
        raise TrusteeCardError(
            f"trustee card {card.index} does not match the village's public key: {exc}"
        ) from exc
    return share


__all__ = [
    "TrusteeCard",
    "TrusteeCardError",
    "WrongTrusteePin",
    "new_trustee_pin",
    "open_trustee_card",
    "parse_trustee_card",
    "seal_share",
]
