"""Tracking codes: 4x4 Crockford base32, deterministic per ballot, forgiving input."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore.ballot import EncryptedBallot
from ballotcore.hashing import hash_bytes
from ballotcore.tracking import ALPHABET, normalize_tracking_code, tracking_code

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$")
_CONFUSE = {"0": "oO", "1": "iIlL"}


@given(st.binary(min_size=32, max_size=32))
@settings(max_examples=200, deadline=None)
def test_format_and_derivation(digest: bytes) -> None:
    code = tracking_code(digest)
    assert CODE.match(code)
    assert code == tracking_code(digest)
    # 80 bits: first 10 bytes of H("tracking-code", digest), big-endian, 5 bits per char
    value = int.from_bytes(hash_bytes("tracking-code", digest)[:10], "big")
    assert "".join(ALPHABET[(value >> (75 - 5 * i)) & 31] for i in range(16)) == code.replace(
        "-", ""
    )
    assert normalize_tracking_code(code) == code


@given(st.binary(min_size=32, max_size=32), st.data())
@settings(max_examples=200, deadline=None)
def test_normalize_accepts_what_people_type(digest: bytes, data: st.DataObject) -> None:
    code = tracking_code(digest)
    typed = []
    for ch in code.replace("-", ""):
        options = [ch, ch.lower(), *_CONFUSE.get(ch, "")]
        typed.append(data.draw(st.sampled_from(options)))
        typed.append(data.draw(st.sampled_from(["", "", " ", "-"])))
    assert normalize_tracking_code("".join(typed)) == code


def test_normalize_rejects_non_codes() -> None:
    assert normalize_tracking_code("7K3Q-MX2B-0HTR-9WC") is None  # 15 characters
    assert normalize_tracking_code("7K3Q-MX2B-0HTR-9WCEE") is None
    assert normalize_tracking_code("7K3Q-MX2B-0HTR-9WCU") is None  # U is not Crockford
    assert normalize_tracking_code("7K3Q_MX2B_0HTR_9WCE") is None
    assert normalize_tracking_code("") is None
    assert normalize_tracking_code("o1il OILi 0000 zzzz") == "0111-0111-0000-ZZZZ"


def test_tracking_code_is_per_ballot(two_candidate_ballot: EncryptedBallot) -> None:
    code = tracking_code(two_candidate_ballot.digest())
    again = EncryptedBallot.from_bytes(two_candidate_ballot.to_bytes())
    assert tracking_code(again.digest()) == code
    codes = {tracking_code(bytes([i]) * 32) for i in range(256)}
    assert len(codes) == 256
