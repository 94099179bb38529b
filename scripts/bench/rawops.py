"""Shared by the benchmarks: count the raw ristretto255 calls a piece of code makes, and
replay exactly that many raw libsodium calls to time the floor it is compared against.

Imported by the benchmark scripts as a sibling module (`python scripts/bench/X.py` puts
this folder on sys.path).
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable, Iterator

import rbcl

from ballotcore import group


@contextlib.contextmanager
def counting() -> Iterator[Counter[str]]:
    """Count the raw rbcl calls made through ballotcore.group while inside the block."""
    counts: Counter[str] = Counter()
    saved = (group._base_mul, group._mul, group._add, group._sub)

    def wrap(fn: Callable[..., bytes], name: str) -> Callable[..., bytes]:
        def counted(*args: bytes) -> bytes:
            counts[name] += 1
            return fn(*args)

        return counted

    group._base_mul = wrap(saved[0], "base_mul")  # type: ignore[assignment]
    group._mul = wrap(saved[1], "mul")  # type: ignore[assignment]
    group._add = wrap(saved[2], "add_sub")  # type: ignore[assignment]
    group._sub = wrap(saved[3], "add_sub")  # type: ignore[assignment]
    try:
        yield counts
    finally:
        group._base_mul, group._mul, group._add, group._sub = saved


def floor_runner(counts: Counter[str]) -> Callable[[], None]:
    """A function making exactly `counts` raw rbcl calls on realistic inputs."""
    scalars = [group.scalar_bytes(group.random_scalar()) for _ in range(64)]
    points = [group.base_mul(group.random_scalar()) for _ in range(64)]
    base = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
    mul = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
    add = rbcl.crypto_core_ristretto255_add
    n_base, n_mul, n_add = counts["base_mul"], counts["mul"], counts["add_sub"]

    def run() -> None:
        for i in range(n_base):
            base(scalars[i & 63])
        for i in range(n_mul):
            mul(scalars[i & 63], points[i & 63])
        for i in range(n_add):
            add(points[i & 63], points[(i + 1) & 63])

    return run
