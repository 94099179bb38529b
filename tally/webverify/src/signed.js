// Ed25519 signatures and the signed envelope (docs/PROTOCOL.md section 8).
import { ed25519 } from '@noble/curves/ed25519';
import { H, H32, canonical, checkEnvelope, fail, hexBytes, toHex } from './encoding.js';
import { fields, str } from './group.js';

/** key_id(pub) = hex of the first 16 bytes of H32("key-id", pub). */
export function keyId(pub) {
  return toHex(H32('key-id', pub).slice(0, 16));
}

/** An Ed25519 public key from hex; a key that is not a curve point is rejected. */
export function publicKey(value, what) {
  const bytes = hexBytes(value, 32, what);
  try {
    ed25519.Point.fromBytes(bytes);
  } catch (e) {
    fail(`${what}: not an Ed25519 public key`);
  }
  return bytes;
}

/** Verify `sig` (hex) by `pub` for purpose `label` over record bytes. */
export function verifySignature(pub, label, recordBytes, sig, what) {
  const sigBytes = hexBytes(sig, 64, `${what} signature`);
  const message = H('sig/' + label, recordBytes);
  let ok = false;
  try {
    // RFC 8032 strict (not ZIP-215): canonical S and R, cofactorless equation.
    ok = ed25519.verify(sigBytes, message, pub, { zip215: false });
  } catch (e) {
    ok = false;
  }
  if (!ok) fail(`${what}: signature does not verify`);
}

/**
 * Open a signed envelope `{body,label,sig,signer}` (with or without its own
 * `$magic`/`$v`, which the caller has checked) for `label` and key `pub`, checking that
 * the body is a record of `kind`. Returns the body.
 */
export function openEnvelope(env, label, pub, kind, what) {
  fields(env, ['body', 'label', 'sig', 'signer'], what);
  if (str(env.label, `${what} label`) !== label) fail(`${what}: label is not ${label}`);
  if (env.signer !== keyId(pub)) fail(`${what}: signed by another key`);
  checkEnvelope(env.body, kind, `${what} body`);
  verifySignature(pub, label, canonical(env.body), env.sig, what);
  return env.body;
}
