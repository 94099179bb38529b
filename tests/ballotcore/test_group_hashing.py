"""The group wrapper (encodings, identity handling, Lagrange) and domain-separated hashing."""

from __future__ import annotations

import hashlib

import pytest
import rbcl
from hypothesis import given, settings
from hypothesis import strategies as st

from ballotcore import group
from ballotcore.errors import CryptoError
from ballotcore.group import IDENTITY, G, L
from ballotcore.hashing import DOMAIN, digest32, hash_bytes, hash_to_scalar
from tests.ballotcore.strategies import nonzero_scalars, scalars, unreduced_scalars

P = 2**255 - 19  # the field prime of Curve25519


def test_generator_is_the_rfc9496_base_point() -> None:
    # RFC 9496 A.1: the encoding of the ristretto255 generator.
    assert G.hex() == "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"
    assert group.base_mul(L) == IDENTITY
    assert group.base_mul(0) == IDENTITY


@given(scalars)
@settings(max_examples=50, deadline=None)
def test_scalar_encoding_round_trip(k: int) -> None:
    data = group.scalar_bytes(k)
    assert len(data) == 32 and int.from_bytes(data, "little") == k
    assert group.decode_scalar(data) == k


@given(unreduced_scalars)
@settings(max_examples=50, deadline=None)
def test_unreduced_scalars_are_rejected(k: int) -> None:
    with pytest.raises(CryptoError):
        group.decode_scalar(k.to_bytes(32, "little"))


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_scalar_and_point_lengths(length: int) -> None:
    with pytest.raises(CryptoError):
        group.decode_scalar(bytes(length))
    with pytest.raises(CryptoError):
        group.decode_point(bytes(length))


@given(nonzero_scalars)
@settings(max_examples=50, deadline=None)
def test_points_decode_and_non_canonical_variants_are_rejected(k: int) -> None:
    point = group.base_mul(k)
    assert group.decode_point(point) == point
    s = int.from_bytes(point, "little")
    # s + p encodes the same field element non-canonically; p - s is its negative (odd,
    # hence "negative" and invalid); the low bit set makes any encoding negative.
    variants = [((P - s) % P).to_bytes(32, "little"), (s | 1).to_bytes(32, "little")]
    if s + P < 2**256:
        variants.append((s + P).to_bytes(32, "little"))
    for bad in variants:
        with pytest.raises(CryptoError):
            group.decode_point(bad)


def test_point_with_top_bit_set_is_rejected() -> None:
    # Regression (found by this suite): the libsodium bundled by rbcl 1.1.2 accepts it.
    top = bytes(G[:31]) + bytes([G[31] | 0x80])
    with pytest.raises(CryptoError):
        group.decode_point(top)


def test_identity_is_rejected_unless_allowed() -> None:
    with pytest.raises(CryptoError, match="identity"):
        group.decode_point(IDENTITY)
    assert group.decode_point(IDENTITY, allow_identity=True) == IDENTITY
    # p itself is a non-canonical encoding of zero: never the identity, always invalid.
    with pytest.raises(CryptoError):
        group.decode_point(P.to_bytes(32, "little"), allow_identity=True)


@given(scalars, scalars)
@settings(max_examples=40, deadline=None)
def test_group_laws(a: int, b: int) -> None:
    pa, pb = group.base_mul(a), group.base_mul(b)
    assert group.add(pa, pb) == group.base_mul(a + b)
    assert group.sub(pa, pb) == group.base_mul(a - b)
    assert group.mul(b, pa) == group.base_mul(a * b)
    assert group.mul(a, IDENTITY) == IDENTITY


def test_arithmetic_on_an_invalid_encoding_raises() -> None:
    """rbcl ignores libsodium's error code (it returns the identity); group must not."""
    bad = b"\xff" * 32
    assert not rbcl.crypto_core_ristretto255_is_valid_point(bad)
    top_bit = bytes(G[:31]) + bytes([G[31] | 0x80])
    for invalid in (bad, top_bit):
        with pytest.raises(CryptoError):
            group.add(invalid, G)
        with pytest.raises(CryptoError):
            group.sub(G, invalid)
        with pytest.raises(CryptoError):
            group.mul(5, invalid)
    # legitimate identity results still work
    assert group.sub(G, G) == IDENTITY
    assert group.add(G, group.sub(IDENTITY, G)) == IDENTITY
    assert group.mul(0, G) == IDENTITY


@given(st.lists(nonzero_scalars, min_size=1, max_size=5), st.data())
@settings(max_examples=40, deadline=None)
def test_lagrange_interpolates_any_subset(coeffs: list[int], data: st.DataObject) -> None:
    k = len(coeffs)
    indices = data.draw(st.lists(st.integers(1, 50), min_size=k, max_size=k, unique=True))

    def f(x: int) -> int:
        return sum(a * pow(x, j, L) for j, a in enumerate(coeffs)) % L

    secret = sum(group.lagrange_at_zero(i, indices) * f(i) for i in indices) % L
    assert secret == coeffs[0]
    if k > 1:  # k-1 points interpolate a different polynomial
        fewer = indices[:-1]
        assert sum(group.lagrange_at_zero(i, fewer) * f(i) for i in fewer) % L != coeffs[0]


def test_lagrange_rejects_indices_equal_mod_l() -> None:
    # Only indexes congruent mod L are caught; plain duplicates are the caller's duty
    # (combine() deduplicates by trustee index before interpolating).
    with pytest.raises(CryptoError):
        group.lagrange_at_zero(1, [1, 1 + L])


# ------------------------------------------------------------------ hashing


def _reference_hash(label: str, parts: list[bytes]) -> bytes:
    """H written out byte by byte from docs/PROTOCOL.md."""
    tag = b"SuaraDesa/v1/" + label.encode("utf-8")
    data = len(tag).to_bytes(4, "big") + tag
    for part in parts:
        data += len(part).to_bytes(4, "big") + part
    return hashlib.sha512(data).digest()


@given(st.text(max_size=20), st.lists(st.binary(max_size=40), max_size=5))
@settings(max_examples=60, deadline=None)
def test_hash_layout_matches_the_protocol(label: str, parts: list[bytes]) -> None:
    h = hash_bytes(label, *parts)
    assert h == _reference_hash(label, parts)
    assert digest32(label, *parts) == h[:32]
    assert hash_to_scalar(label, *parts) == int.from_bytes(h, "little") % L
    assert DOMAIN == b"SuaraDesa/v1/"


@given(st.lists(st.binary(max_size=8), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_length_prefixes_separate_part_boundaries(parts: list[bytes]) -> None:
    joined = b"".join(parts)
    if [joined] != parts:
        assert hash_bytes("x", *parts) != hash_bytes("x", joined)
    assert hash_bytes("x", *parts) != hash_bytes("y", *parts)
    # the label and the first part are separated too
    assert hash_bytes("ab", *parts) != hash_bytes("a", b"b", *parts)
