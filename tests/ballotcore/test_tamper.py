"""Every single-bit change is rejected: ballots, proofs, partial decryptions, signatures.

A flipped bit in canonical record bytes must make decoding fail or make proof/signature
verification fail; it must never decode into a different ballot that still verifies.
The ballot and signed-record tests flip *every* bit of a real record.
"""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore import elgamal, group, trustees
from ballotcore.ballot import EncryptedBallot, verify_ballot
from ballotcore.election import ElectionDefinition
from ballotcore.elgamal import Ciphertext
from ballotcore.errors import (
    BallotCoreError,
    CryptoError,
    ProofError,
    RecordError,
    SignatureError,
)
from ballotcore.group import L
from ballotcore.proofs import EqualityProof, ZeroOneProof
from ballotcore.signing import SignedRecord, sign_record
from ballotcore.trustees import KeyCeremony
from tests.ballotcore.conftest import flip_bit


def test_every_bit_flip_of_a_ballot_record_is_rejected(
    ceremony: KeyCeremony, two_candidate_ballot: EncryptedBallot
) -> None:
    data = two_candidate_ballot.to_bytes()
    verify_ballot(EncryptedBallot.from_bytes(data), ceremony.public_key, 2)
    decoded_but_refused = 0
    for bit in range(len(data) * 8):
        tampered = flip_bit(data, bit)
        try:
            ballot = EncryptedBallot.from_bytes(tampered)
        except (RecordError, CryptoError):
            continue
        decoded_but_refused += 1
        assert ballot != two_candidate_ballot
        with pytest.raises((ProofError, RecordError)):
            verify_ballot(ballot, ceremony.public_key, 2)
    # Most flips break the hex or the JSON; many must still reach the proofs, or this
    # test would not be exercising the verifier at all.
    assert decoded_but_refused > 500


def _flip_scalar(k: int, bit: int) -> int:
    return (k ^ (1 << bit)) % L


@given(st.integers(0, 1), st.integers(0, 3), st.integers(0, 252))
@settings(max_examples=80, deadline=None)
def test_flipped_proof_scalars_are_rejected(position: int, which: int, bit: int) -> None:
    kc, ballot = _fixture()
    prf = ballot.proofs[position]
    values = [prf.c0, prf.c1, prf.v0, prf.v1]
    values[which] = _flip_scalar(values[which], bit)
    prfs = list(ballot.proofs)
    prfs[position] = ZeroOneProof(*values)
    with pytest.raises(ProofError):
        verify_ballot(dataclasses.replace(ballot, proofs=tuple(prfs)), kc.public_key, 2)
    sp = ballot.sum_proof
    flipped = (
        EqualityProof(_flip_scalar(sp.c, bit), sp.v)
        if which % 2
        else EqualityProof(sp.c, _flip_scalar(sp.v, bit))
    )
    with pytest.raises(ProofError):
        verify_ballot(dataclasses.replace(ballot, sum_proof=flipped), kc.public_key, 2)


@given(st.integers(0, 1), st.booleans(), st.integers(0, 255))
@settings(max_examples=80, deadline=None)
def test_flipped_ciphertext_bits_are_rejected(position: int, part_b: bool, bit: int) -> None:
    kc, ballot = _fixture()
    ct = ballot.ciphertexts[position]
    point = flip_bit(ct.b if part_b else ct.a, bit)
    try:
        group.decode_point(point, allow_identity=True)
    except CryptoError:
        return  # rejected at decoding, which is where records are checked
    new = Ciphertext(ct.a, point) if part_b else Ciphertext(point, ct.b)
    cts = list(ballot.ciphertexts)
    cts[position] = new
    with pytest.raises(ProofError):
        verify_ballot(dataclasses.replace(ballot, ciphertexts=tuple(cts)), kc.public_key, 2)


_CACHE: dict[str, tuple[KeyCeremony, EncryptedBallot]] = {}


def _fixture() -> tuple[KeyCeremony, EncryptedBallot]:
    """A key and ballot made once (Hypothesis tests cannot take function fixtures)."""
    if "b" not in _CACHE:
        from ballotcore.ballot import BallotContext, encrypt_ballot

        kc = trustees.deal(2, 2)
        ctx = BallotContext("E", "V", "S", "K", bytes(16))
        _CACHE["b"] = (kc, encrypt_ballot(ctx, kc.public_key, 2, 0))
    return _CACHE["b"]


@given(st.integers(0, 1), st.sampled_from(["d", "c", "v"]), st.integers(0, 252))
@settings(max_examples=60, deadline=None)
def test_flipped_partial_decryption_is_rejected(position: int, part: str, bit: int) -> None:
    kc, _ = _fixture()
    aggs = [elgamal.encrypt(kc.public_key, m, group.random_scalar()) for m in (4, 7)]
    partial = _partial(kc, aggs)
    shares, prfs = list(partial.shares), list(partial.proofs)
    if part == "d":
        flipped = flip_bit(shares[position], bit)
        try:
            group.decode_point(flipped)
        except CryptoError:
            return
        shares[position] = flipped
    else:
        p = prfs[position]
        prfs[position] = (
            EqualityProof(_flip_scalar(p.c, bit), p.v)
            if part == "c"
            else EqualityProof(p.c, _flip_scalar(p.v, bit))
        )
    tampered = dataclasses.replace(partial, shares=tuple(shares), proofs=tuple(prfs))
    with pytest.raises(ProofError):
        trustees.verify_partial(kc.commitments, aggs, tampered, b"ctx", 2)


def _partial(kc: KeyCeremony, aggs: list[Ciphertext]) -> trustees.PartialDecryption:
    partial = trustees.partial_decrypt(kc.shares[0], aggs, b"ctx")
    trustees.verify_partial(kc.commitments, aggs, partial, b"ctx", 2)
    return partial


def test_every_bit_flip_of_a_signed_record_is_rejected(authority: Ed25519PrivateKey) -> None:
    from ballotcore.signing import public_bytes

    inner = b'{"$magic":"SD/test","$v":1,"n":42,"who":"Desa \xc3\x89"}'
    envelope = sign_record(authority, "test-label", inner).to_bytes()
    pub = public_bytes(authority)
    assert SignedRecord.from_bytes(envelope).verify(pub, "test-label") == inner
    reached_signature = 0
    for bit in range(len(envelope) * 8):
        try:
            signed = SignedRecord.from_bytes(flip_bit(envelope, bit))
        except RecordError:
            continue
        reached_signature += 1
        with pytest.raises(SignatureError):
            signed.verify(pub, "test-label")
    assert reached_signature > 200


def test_every_bit_flip_of_a_signature_is_rejected(authority: Ed25519PrivateKey) -> None:
    from ballotcore.signing import public_bytes, sign, verify

    pub = public_bytes(authority)
    sig = sign(authority, "x", b"message")
    verify(pub, "x", b"message", sig)
    for bit in range(512):
        with pytest.raises(SignatureError):
            verify(pub, "x", b"message", flip_bit(sig, bit))
    for bit in range(256):
        with pytest.raises(SignatureError):
            verify(flip_bit(pub, bit), "x", b"message", sig)


@given(data=st.data())
@settings(max_examples=150, deadline=None)
def test_bit_flips_of_a_signed_public_record_are_rejected(
    data: st.DataObject, public_record_bytes: bytes
) -> None:
    from ballotcore.public_record import parse_public_record

    bit = data.draw(st.integers(0, len(public_record_bytes) * 8 - 1))
    with pytest.raises(BallotCoreError):
        parse_public_record(flip_bit(public_record_bytes, bit))


def test_definition_bytes_decode_strictly(definition: ElectionDefinition) -> None:
    # The definition is not signed by itself (the public record is), but its digest is:
    # every flip either fails to decode or changes the digest.
    data = definition.to_bytes()
    digest = definition.digest()
    for bit in range(len(data) * 8):
        try:
            other = ElectionDefinition.from_bytes(flip_bit(data, bit))
        except RecordError:
            continue
        assert other.digest() != digest
