// ristretto255 points and scalars (docs/PROTOCOL.md section 1) and the strict field
// checks every record decoder applies (section 3: exact fields, typed values).
import { RistrettoPoint } from '@noble/curves/ed25519';
import { fail, hexBytes, leInt, L } from './encoding.js';

export const G = RistrettoPoint.BASE;
export const ZERO = RistrettoPoint.ZERO;

/** A point from 64 lowercase hex characters; identity only if `allowIdentity`. */
export function point(value, what, allowIdentity = false) {
  const bytes = hexBytes(value, 32, what);
  let p;
  try {
    // RFC 9496 decode: rejects non-canonical field elements, negative s and the top bit.
    p = RistrettoPoint.fromBytes(bytes);
  } catch (e) {
    fail(`${what}: not a valid ristretto255 point`);
  }
  if (!allowIdentity && p.equals(ZERO)) fail(`${what}: the identity is not allowed here`);
  return p;
}

/** A scalar 0 <= k < L from 64 hex characters, little-endian, no reduction. */
export function scalar(value, what) {
  const k = leInt(hexBytes(value, 32, what));
  if (k >= L) fail(`${what}: scalar not below the group order`);
  return k;
}

export function mod(n) {
  const r = n % L;
  return r < 0n ? r + L : r;
}

/** k*G with k = 0 allowed (noble refuses 0 on the fixed-base path). */
export function baseMul(k) {
  return k === 0n ? ZERO : G.multiply(k);
}

/** k*P for public values (verification only: variable time is fine). */
export function mul(p, k) {
  return p.multiplyUnsafe(k);
}

export function enc(p) {
  return p.toBytes();
}

/** Modular inverse mod L (L prime). */
export function inverse(a) {
  let [t, newT, r, newR] = [0n, 1n, L, mod(a)];
  while (newR !== 0n) {
    const q = r / newR;
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  if (r !== 1n) fail('no inverse');
  return mod(t);
}

// ---- field checks ----

export function fields(obj, names, what) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(`${what}: not an object`);
  const have = Object.keys(obj).filter((k) => k !== '$magic' && k !== '$v').sort();
  const want = [...names].sort();
  if (have.length !== want.length || have.some((k, i) => k !== want[i])) {
    fail(`${what}: fields ${JSON.stringify(have)} instead of ${JSON.stringify(want)}`);
  }
  return obj;
}

export function str(v, what) {
  if (typeof v !== 'string') fail(`${what}: not a string`);
  return v;
}

export function int(v, what, min = 0) {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    fail(`${what}: not an integer >= ${min}`);
  }
  return v;
}

export function list(v, what) {
  if (!Array.isArray(v)) fail(`${what}: not a list`);
  return v;
}
