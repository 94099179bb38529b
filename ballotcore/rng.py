"""Where randomness comes from: an injectable source, the OS CSPRNG by default.

Every function that draws randomness (`group.random_scalar`, `encrypt_ballot`, the provers,
`trustees.deal`, the kiosk's slot choice) takes an `rng` argument whose default is the
`secrets` module itself: real ballots, proofs and keys always use the OS CSPRNG. A caller
passes another source only to make output reproducible - the golden vectors
(`scripts/gen_vectors.py`) and tests - instead of monkeypatching module globals.

`RandomSource` is the two calls of `secrets` that the code uses; the `secrets` module
satisfies it, so the default costs one attribute lookup per draw and nothing else.

`SeededRandom` is deterministic and therefore *never* for an election: anyone who knows the
seed knows every ElGamal nonce and so every vote. It exists for vectors and tests.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Protocol


class RandomSource(Protocol):
    """The subset of the `secrets` module that SuaraDesa draws from."""

    def token_bytes(self, nbytes: int) -> bytes:
        """`nbytes` uniformly random bytes."""
        ...

    def randbelow(self, exclusive_upper_bound: int) -> int:
        """A uniformly random integer in [0, exclusive_upper_bound)."""
        ...


#: The default source everywhere: the OS CSPRNG.
OS_RANDOM: RandomSource = secrets


class SeededRandom:
    """A deterministic source for test vectors: block i is SHA-512(seed || i as 8 bytes BE).

    `token_bytes(64)` returns exactly one block, so a scalar drawn as
    `int.from_bytes(rng.token_bytes(64), "little") % L` is SHA-512(seed || counter) mod L -
    the derivation docs/PROTOCOL.md states for the golden vectors. Other lengths take the
    next blocks and cut them; `randbelow` rejects out-of-range draws so it stays uniform.
    """

    def __init__(self, seed: bytes) -> None:
        self._seed = seed
        self._counter = 0

    def _block(self) -> bytes:
        block = hashlib.sha512(self._seed + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1
        return block

    def token_bytes(self, nbytes: int) -> bytes:
        """The next `nbytes` bytes (whole 64-byte blocks, the last one cut)."""
        out = b""
        while len(out) < nbytes:
            out += self._block()
        return out[:nbytes]

    def randbelow(self, exclusive_upper_bound: int) -> int:
        """A uniform integer in [0, bound) by rejection sampling over whole bytes."""
        if exclusive_upper_bound <= 0:
            raise ValueError("the upper bound must be positive")
        nbytes = (exclusive_upper_bound.bit_length() + 7) // 8 + 1
        limit = 256**nbytes - 256**nbytes % exclusive_upper_bound
        while True:
            value = int.from_bytes(self.token_bytes(nbytes), "big")
            if value < limit:
                return value % exclusive_upper_bound
