"""The ristretto255 prime-order group (RFC 9496) through libsodium (`rbcl`).

Points are handled as their 32-byte canonical encodings (`bytes`), scalars as Python
integers in [0, L). Keeping scalars as integers makes the scalar arithmetic of the proofs
cheap; points cross into libsodium only for additions and multiplications.

The identity element encodes as 32 zero bytes. libsodium refuses to *return* it from a
scalar multiplication unless the `allow_scalar_zero` variants are used; `0*G` is a normal
value here (a candidate that got no vote), so this module uses those variants everywhere
and decides identity handling explicitly in `decode_point`.
"""

from __future__ import annotations

import rbcl

from ballotcore.errors import CryptoError
from ballotcore.rng import OS_RANDOM, RandomSource

#: The prime order of the group.
L = 2**252 + 27742317777372353535851937790883648493
POINT_BYTES = 32
SCALAR_BYTES = 32
#: Encoding of the identity element.
IDENTITY = bytes(32)

_base_mul = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
_mul = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
_add = rbcl.crypto_core_ristretto255_add
_sub = rbcl.crypto_core_ristretto255_sub
_is_valid = rbcl.crypto_core_ristretto255_is_valid_point


def scalar_bytes(k: int) -> bytes:
    """Little-endian 32-byte encoding of a scalar in [0, L)."""
    return (k % L).to_bytes(32, "little")


#: The standard generator G.
G = _base_mul(scalar_bytes(1))


def base_mul(k: int) -> bytes:
    """k*G."""
    return _base_mul((k % L).to_bytes(32, "little"))


def _checked(result: bytes, *inputs: bytes) -> bytes:
    """Raise if an identity result came from an invalid input.

    libsodium signals an invalid encoding with an error code that `rbcl` ignores, handing
    back 32 zero bytes - the identity - and it silently ignores a set top bit. The top bit
    is checked always (one byte); full validation runs only on an identity result, which
    is rare (a count of 0, P - P), so the common path costs nothing.
    """
    for point in inputs:
        if point[31] & 0x80:
            raise CryptoError("arithmetic on a non-canonical group element (top bit set)")
    if result == IDENTITY:
        for point in inputs:
            if point != IDENTITY and not _is_valid(point):
                raise CryptoError("arithmetic on an invalid group element")
    return result


def mul(k: int, point: bytes) -> bytes:
    """k*P for a point P (the identity is allowed and yields the identity)."""
    if point == IDENTITY:
        return IDENTITY
    return _checked(_mul((k % L).to_bytes(32, "little"), point), point)


def add(p: bytes, q: bytes) -> bytes:
    """P + Q."""
    return _checked(_add(p, q), p, q)


def sub(p: bytes, q: bytes) -> bytes:
    """P - Q."""
    return _checked(_sub(p, q), p, q)


def random_scalar(rng: RandomSource = OS_RANDOM) -> int:
    """A uniformly random scalar: 64 bytes from `rng` (the OS CSPRNG) reduced mod L."""
    return int.from_bytes(rng.token_bytes(64), "little") % L


def decode_point(data: bytes, *, allow_identity: bool = False) -> bytes:
    """Check that `data` is a canonical encoding of a group element and return it.

    The identity is rejected unless `allow_identity` (it is legitimate inside
    ciphertext sums and decryption results, never as a public key).
    """
    if len(data) != POINT_BYTES:
        raise CryptoError(f"a group element has 32 bytes, not {len(data)}")
    if data[31] & 0x80:
        # RFC 9496 4.3.1: the top bit must be zero. Some libsodium builds do not check it.
        raise CryptoError("not a canonical ristretto255 encoding (top bit set)")
    if data == IDENTITY:
        if allow_identity:
            return data
        raise CryptoError("the identity element is not allowed here")
    if not _is_valid(data):
        raise CryptoError("not a canonical ristretto255 encoding")
    return data


def decode_scalar(data: bytes) -> int:
    """Decode a canonical 32-byte little-endian scalar (< L); reject anything else."""
    if len(data) != SCALAR_BYTES:
        raise CryptoError(f"a scalar has 32 bytes, not {len(data)}")
    value = int.from_bytes(data, "little")
    if value >= L:
        raise CryptoError("scalar is not reduced modulo the group order")
    return value


def lagrange_at_zero(index: int, indices: list[int] | tuple[int, ...]) -> int:
    """The Lagrange coefficient of `index` for interpolating at 0 over `indices`."""
    num, den = 1, 1
    for j in indices:
        if j == index:
            continue
        num = num * j % L
        den = den * (j - index) % L
    if den == 0:
        raise CryptoError("duplicate trustee index")
    return num * pow(den, -1, L) % L
