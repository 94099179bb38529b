"""Exponential ElGamal over ristretto255.

Key: secret s, public K = s*G. A message m (0 or 1 per candidate on one ballot, a count
on an aggregate) encrypts with a fresh random r as (A, B) = (r*G, m*G + r*K).
Ciphertexts add component-wise, so the sum of ballots encrypts the sum of votes.

Guarantees: without s (or k trustee shares) a ciphertext reveals nothing about m
(DDH in ristretto255). Not guaranteed here: that m is 0 or 1 - that is what the proofs in
`ballotcore.proofs` are for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ballotcore import group
from ballotcore.codec import hex_point
from ballotcore.errors import RecordError
from ballotcore.group import IDENTITY, G


@dataclass(frozen=True, slots=True)
class Ciphertext:
    """An ElGamal ciphertext (A, B) as two canonical point encodings."""

    a: bytes
    b: bytes

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(group.add(self.a, other.a), group.add(self.b, other.b))

    def to_hex(self) -> list[str]:
        return [self.a.hex(), self.b.hex()]

    @classmethod
    def from_hex(cls, pair: object) -> Ciphertext:
        """Parse `[A_hex, B_hex]`; the identity is allowed (an empty aggregate)."""
        if not isinstance(pair, list) or len(pair) != 2:
            raise RecordError("a ciphertext is a list of two points")
        return cls(hex_point(pair[0], allow_identity=True), hex_point(pair[1], allow_identity=True))


#: The encryption of 0 with r = 0: the neutral element of ciphertext addition.
ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(public_key: bytes, m: int, r: int) -> Ciphertext:
    """Encrypt the small integer m under `public_key` with randomness r."""
    a = group.base_mul(r)
    rk = group.mul(r, public_key)
    if m == 0:
        return Ciphertext(a, rk)
    if m == 1:
        return Ciphertext(a, group.add(rk, G))
    return Ciphertext(a, group.add(rk, group.base_mul(m)))


def aggregate(ciphertexts: Iterable[Ciphertext]) -> Ciphertext:
    """The component-wise sum of any number of ciphertexts (ZERO for none)."""
    a, b = IDENTITY, IDENTITY
    for ct in ciphertexts:
        a = group.add(a, ct.a)
        b = group.add(b, ct.b)
    return Ciphertext(a, b)


class DiscreteLogTable:
    """Recovers M from M*G for 0 <= M <= maximum by table look-up.

    Counts are bounded by the station's (or village's) registered voters, so a table of
    maximum+1 points built by repeated addition is exact and fast.
    """

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self._table: dict[bytes, int] = {IDENTITY: 0}
        point = IDENTITY
        for m in range(1, maximum + 1):
            point = group.add(point, G)
            self._table[point] = m

    def lookup(self, point: bytes) -> int | None:
        """M with M*G == point, or None when M is outside [0, maximum]."""
        return self._table.get(point)
