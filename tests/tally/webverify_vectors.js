// Golden vectors (tests/ballotcore/vectors, docs/PROTOCOL.md section 11) through the
// browser verifier's own functions, under Node: `node webverify_vectors.js BUILT_MAIN_JS
// VECTOR_DIR`. Prints one JSON object {checked, failures: [...]}.
const fs = require('fs');
const path = require('path');

require(process.argv[2]);
const V = globalThis.SDVerify.internals;
const dir = process.argv[3];
const load = (name) => JSON.parse(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
const failures = [];
let checked = 0;
function check(what, ok) {
  checked++;
  if (!ok) failures.push(what);
}
function throws(fn) {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof V.VerifyError;
  }
}
const hex = (s) => V.hexBytes(s, s.length / 2, 'vector');
const enc = new TextEncoder();

for (const c of load('hashing').cases) {
  const parts = c.parts.map(hex);
  check(`H ${c.label}`, V.toHex(V.H(c.label, ...parts)) === c.hash_bytes);
  check(`H32 ${c.label}`, V.toHex(V.H32(c.label, ...parts)) === c.digest32);
  const hs = V.Hs(c.label, ...parts);
  check(`Hs ${c.label}`, hs === V.scalar(c.hash_to_scalar, 'hs'));
}
const points = load('points');
for (const m of points.base_multiples) {
  check(`base multiple ${m.scalar}`,
    V.toHex(V.baseMul(V.scalar(m.scalar, 's')).toBytes()) === m.point);
}
for (const p of points.invalid_points) {
  const allowIdentity = !p.why.includes('identity');
  check(`invalid point (${p.why})`, throws(() => V.point(p.encoding, 'p', allowIdentity)));
}
for (const s of points.invalid_scalars) {
  check(`invalid scalar (${s.why})`, throws(() => V.scalar(s.encoding, 's')));
}
check('identity refused as a key', throws(() => V.point('00'.repeat(32), 'p')));
check('identity allowed in a ciphertext', !throws(() => V.point('00'.repeat(32), 'p', true)));
for (const t of load('tracking').cases) {
  check(`tracking ${t.code}`, V.trackingCode(hex(t.ballot_digest)) === t.code);
}
const b = load('ballot');
const rec = V.decodeRecord(enc.encode(b.record), 'ballot', 'ballot');
const body = { ...rec };
delete body.$magic;
delete body.$v;
const ballot = V.parseBallot(body, 'ballot');
check('ballot context', new TextDecoder().decode(V.contextBytes(body)) === b.context_bytes);
check('ballot digest', V.toHex(V.ballotDigest(body)) === b.digest);
check('ballot tracking code', V.trackingCode(V.ballotDigest(body)) === b.tracking_code);
const K = V.point(b.public_key, 'K');
check('ballot proofs verify', !throws(() => V.verifyBallotProofs(ballot, K, b.n_candidates, 'b')));
const bad = JSON.parse(JSON.stringify(body));
bad.ballot_id = '02'.repeat(16);  // the proofs are bound to the ballot id
check('ballot proofs bound to the context',
  throws(() => V.verifyBallotProofs(V.parseBallot(bad, 'b'), K, b.n_candidates, 'b')));
check('non-canonical record refused', throws(() => V.decodeRecord(
  enc.encode(b.record.replace('{"$magic"', '{ "$magic"')), 'ballot', 'b')));
const sg = load('signed');
const pub = V.publicKey(sg.public_key, 'pub');
check('key id', V.keyId(pub) === sg.key_id);
const env = V.decodeRecord(enc.encode(sg.envelope), 'signed', 'env');
check('envelope verifies', !throws(() => V.openEnvelope(env, sg.label, pub,
  env.body.$magic.slice(3), 'env')));
const forged = JSON.parse(JSON.stringify(env));
forged.sig = (forged.sig[0] === '0' ? '1' : '0') + forged.sig.slice(1);
check('forged signature refused', throws(() => V.openEnvelope(forged, sg.label, pub,
  env.body.$magic.slice(3), 'env')));
const other = sg.label === 'results' ? 'bundle' : 'results';
check('wrong label refused', throws(() => V.openEnvelope(env, other, pub,
  env.body.$magic.slice(3), 'env')));
const events = sg.event_chain.map((e) => {
  const out = { ...JSON.parse(e.record) };
  delete out.$magic;
  delete out.$v;
  return out;
});
const digests = V.verifyChain(events).digests;
check('event chain digests', sg.event_chain.every((e, i) => e.digest === digests[i]));
const broken = events.map((e) => ({ ...e }));
broken[1].prev = '00'.repeat(32);
check('broken chain refused', throws(() => V.verifyChain(broken)));
console.log(JSON.stringify({ checked, failures }));
