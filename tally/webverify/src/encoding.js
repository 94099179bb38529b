// Byte encodings, canonical records and the hash functions of docs/PROTOCOL.md
// sections 2 and 3. Every failure throws a VerifyError whose message is the reason the
// page shows after "INVALID: ".
import { sha512 } from '@noble/hashes/sha2';

export class VerifyError extends Error {}

export function fail(reason) {
  throw new VerifyError(reason);
}

const UTF8 = new TextEncoder();
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text) {
  return UTF8.encode(text);
}

export function concat(parts) {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function u32be(n) {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = '0123456789abcdef';

export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4] + HEX[b & 15];
  return s;
}

/** Lowercase hex of exactly `size` bytes (section 1: other spellings are rejected). */
export function hexBytes(value, size, what) {
  if (typeof value !== 'string' || value.length !== 2 * size || !/^[0-9a-f]*$/.test(value)) {
    fail(`${what}: not ${size} bytes of lowercase hex`);
  }
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function fromBase64(text) {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// ---- hashing (section 2) ----

function enc(x) {
  return concat([u32be(x.length), x]);
}

function part(p) {
  return typeof p === 'string' ? utf8(p) : p;
}

/** H(label, parts): SHA-512 over length-prefixed domain tag and parts. */
export function H(label, ...parts) {
  const h = sha512.create();
  h.update(enc(utf8('SuaraDesa/v1/' + label)));
  for (const p of parts) h.update(enc(part(p)));
  return h.digest();
}

export function H32(label, ...parts) {
  return H(label, ...parts).slice(0, 32);
}

export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

export function leInt(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

export function Hs(label, ...parts) {
  return leInt(H(label, ...parts)) % L;
}

// ---- canonical records (section 3) ----

function comparePoints(a, b) {
  // Unicode code point order (not UTF-16 code units).
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const ESC = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b',
  '\f': '\\f' };

function encodeString(s) {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ESC[ch] !== undefined) out += ESC[ch];
    else if (code < 0x20) out += '\\u00' + HEX[code >> 4] + HEX[code & 15];
    else if (code >= 0xd800 && code <= 0xdfff) fail('record: lone surrogate in a string');
    else out += ch;
  }
  return out + '"';
}

/** The canonical JSON text of a parsed value. */
export function canonicalText(value) {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) fail('record: a number that is not a safe integer');
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'string') return encodeString(value);
  if (Array.isArray(value)) return '[' + value.map(canonicalText).join(',') + ']';
  const keys = Object.keys(value).sort(comparePoints);
  return '{' + keys.map((k) => encodeString(k) + ':' + canonicalText(value[k])).join(',') + '}';
}

export function canonical(value) {
  return utf8(canonicalText(value));
}

/**
 * Decode record bytes: strict UTF-8, JSON, and the bytes must be exactly the canonical
 * encoding of what they parse to (this rejects white space, unsorted or duplicate keys,
 * floats and unneeded escapes), then the envelope prefix of `kind`.
 */
export function decodeRecord(bytes, kind, what) {
  let text;
  try {
    text = UTF8_STRICT.decode(bytes);
  } catch (e) {
    fail(`${what}: not UTF-8`);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`${what}: not JSON`);
  }
  if (!equalBytes(canonical(value), bytes)) fail(`${what}: not canonical`);
  return checkEnvelope(value, kind, what);
}

/** The `$magic`/`$v` header of an already canonical object. */
export function checkEnvelope(value, kind, what) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(`${what}: not a record`);
  }
  if (value.$magic !== 'SD/' + kind) fail(`${what}: wrong kind (expected SD/${kind})`);
  if (value.$v !== 1) fail(`${what}: unsupported version`);
  return value;
}
