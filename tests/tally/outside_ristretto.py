"""ristretto255 for the outside verifier, from RFC 9496 alone (standard library only).

Only what re-encrypting an opened (spoiled) ballot needs: decode a point (RFC 9496
4.3.1, every rejection it lists), add, multiply by a scalar, and compare (4.3.3). No
encoding and no constant-time care: every value here is public. Slow (pure Python,
milliseconds per multiplication) and meant for the few spoiled ballots of a board. It
shares no code with ballotcore, so an error in one is not repeated in the other.
"""

from __future__ import annotations

P = 2**255 - 19
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)

Point = tuple[int, int, int, int]  # extended twisted Edwards (X, Y, Z, T), a = -1
IDENTITY: Point = (0, 1, 1, 0)


def _negative(x: int) -> bool:
    return (x % P) & 1 == 1


def _abs(x: int) -> int:
    x %= P
    return P - x if _negative(x) else x


def _sqrt_ratio_m1(u: int, v: int) -> tuple[bool, int]:
    """RFC 9496 4.2: (u/v is a square, its non-negative square root or sqrt(i*u/v))."""
    r = (u * pow(v, 3, P)) * pow(u * pow(v, 7, P), (P - 5) // 8, P) % P
    check = v * r * r % P
    correct = check == u % P
    flipped = check == (-u) % P
    flipped_i = check == (-u * SQRT_M1) % P
    if flipped or flipped_i:
        r = r * SQRT_M1 % P
    return correct or flipped, _abs(r)


def decode(data: bytes) -> Point:
    """RFC 9496 4.3.1; ValueError for every encoding it rejects."""
    if len(data) != 32:
        raise ValueError("a ristretto255 point is 32 bytes")
    s = int.from_bytes(data, "little")
    if s >= P or _negative(s):
        raise ValueError("not a canonical ristretto255 encoding")
    ss = s * s % P
    u1 = (1 - ss) % P
    u2 = (1 + ss) % P
    u2_sqr = u2 * u2 % P
    v = (-(D * u1 * u1) - u2_sqr) % P
    was_square, invsqrt = _sqrt_ratio_m1(1, v * u2_sqr % P)
    den_x = invsqrt * u2 % P
    den_y = invsqrt * den_x * v % P
    x = _abs(2 * s * den_x)
    y = u1 * den_y % P
    t = x * y % P
    if not was_square or _negative(t) or y == 0:
        raise ValueError("not a valid ristretto255 point")
    return (x, y, 1, t)


def add(p: Point, q: Point) -> Point:
    """Complete addition on -x^2 + y^2 = 1 + d x^2 y^2 (extended coordinates)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = t1 * 2 * D * t2 % P
    d = z1 * 2 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def mul(k: int, p: Point) -> Point:
    """k*p by double-and-add (k >= 0; 0 gives the identity)."""
    out = IDENTITY
    while k:
        if k & 1:
            out = add(out, p)
        p = add(p, p)
        k >>= 1
    return out


def equal(p: Point, q: Point) -> bool:
    """RFC 9496 4.3.3: the same ristretto255 element (cosets of the 4-torsion)."""
    x1, y1, _, _ = p
    x2, y2, _, _ = q
    return (x1 * y2 - y1 * x2) % P == 0 or (y1 * y2 - x1 * x2) % P == 0


G = decode(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))
