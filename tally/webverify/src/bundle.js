// A station bundle, verified in order (docs/PROTOCOL.md section 10, full verification).
//
// Extension point: `BUNDLE_EXTENSIONS` lists checks that own extra bundle fields. A record
// format that adds a field (for instance the spoiled ballots of a Benaloh challenge) adds
// one entry here: its field names join the exact field list of the bundle, and its
// `check(body, ctx)` runs after the ballots are verified, with the village key, the
// candidates and the kiosk key in `ctx`. Nothing else in this file needs to change.
import { H, H32, canonical, decodeRecord, equalBytes, fail, hexBytes, toHex } from
  './encoding.js';
import { ZERO, enc, fields, int, list, point, str } from './group.js';
import { openEnvelope, verifySignature } from './signed.js';
import { verifyChain, reconcile } from './eventlog.js';
import { ballotDigest, combine, decryptionContext, parseBallot, verifyBallotProofs,
  verifyPartial } from './ballot.js';

export const BUNDLE_EXTENSIONS = [];

const BASE_FIELDS = ['aggregate', 'ballots', 'certificate', 'counts', 'definition_hash',
  'election_id', 'events', 'kiosk_id', 'mode', 'partials', 'public_record_hash', 'results',
  'station', 'village'];

const RESULT_FIELDS = ['activations', 'aggregate_hash', 'ballots', 'box_root',
  'definition_hash', 'election_id', 'kiosk_id', 'log_head', 'mode', 'station', 'trustees',
  'village', 'voided', 'votes'];

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The tracking code of a ballot digest (section 5). */
export function trackingCode(digest) {
  let v = 0n;
  for (const byte of H('tracking-code', digest).slice(0, 10)) v = (v << 8n) | BigInt(byte);
  let s = '';
  for (let i = 0; i < 16; i++) s += ALPHABET[Number((v >> BigInt(75 - 5 * i)) & 31n)];
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}-${s.slice(12)}`;
}

/**
 * Verify one bundle file against the verified public record `pr`. `tick(done, total)`
 * is awaited after each ballot (progress, and a pause for the page when not in a worker).
 * Returns the facts the district rules need.
 */
export async function verifyBundle(fileBytes, pr, tick) {
  // 1. envelope and record
  const env = decodeRecord(fileBytes, 'signed', 'bundle');
  const b = env.body;
  if (b === null || typeof b !== 'object' || b.$magic !== 'SD/bundle' || b.$v !== 1) {
    fail('bundle: not a station bundle');
  }
  fields(b, [...BASE_FIELDS, ...BUNDLE_EXTENSIONS.flatMap((x) => x.fields)], 'bundle');
  // 2. election
  const def = pr.definition;
  if (b.election_id !== def.election_id) fail('bundle: another election');
  if (b.definition_hash !== pr.definitionHash) fail('bundle: another election definition');
  if (b.public_record_hash !== toHex(pr.digest)) fail('bundle: another public record');
  const village = pr.villages.get(str(b.village, 'village'));
  if (!village) fail(`bundle: unknown village ${b.village}`);
  const station = village.stations.find((s) => s.code === b.station);
  if (!station) fail(`bundle: unknown station ${b.station}`);
  const n = village.candidates.length;
  // 3. certificate
  const cert = pr.certs.get(str(b.kiosk_id, 'kiosk_id'));
  if (!cert) fail(`bundle: kiosk ${b.kiosk_id} is not certified`);
  const certBody = openEnvelope(b.certificate, 'kiosk-cert', pr.authority, 'kiosk-cert',
    'bundle certificate');
  if (!equalBytes(canonical(b.certificate), canonical(cert.envelope))) {
    fail('bundle: the certificate differs from the public record');
  }
  if (certBody.village !== b.village || certBody.station !== b.station ||
      certBody.kiosk_id !== b.kiosk_id) {
    fail('bundle: the kiosk is certified for another station');
  }
  if (certBody.valid_from > def.date || certBody.valid_until < def.date) {
    fail('bundle: the certificate is not valid on the election date');
  }
  // 4. bundle signature
  openEnvelope(env, 'bundle', cert.key, 'bundle', 'bundle');
  // 5. mode and aggregate shape
  if (b.mode !== 'official' && b.mode !== 'test') fail('bundle: unknown mode');
  const aggregate = list(b.aggregate, 'aggregate').map((ct) => {
    if (!Array.isArray(ct) || ct.length !== 2) fail('aggregate: shape');
    return [point(ct[0], 'aggregate', true), point(ct[1], 'aggregate', true)];
  });
  if (aggregate.length !== n) fail('aggregate: not one entry per candidate');
  // 6. event chain
  const chain = verifyChain(list(b.events, 'events'));
  // 7. counts and ballot contexts
  fields(b.counts, ['activations', 'ballots', 'voided'], 'counts');
  for (const k of ['activations', 'ballots', 'voided']) int(b.counts[k], `counts ${k}`);
  const ballots = list(b.ballots, 'ballots');
  if (b.counts.ballots !== ballots.length) fail('counts: ballots is not the number of ballots');
  let last = '';
  const parsed = ballots.map((entry, i) => {
    fields(entry, ['ballot', 'sig'], `ballot ${i + 1}`);
    const ballot = parseBallot(entry.ballot, `ballot ${i + 1}`);
    const body = entry.ballot;
    if (body.election_id !== b.election_id || body.village !== b.village ||
        body.station !== b.station || body.kiosk !== b.kiosk_id) {
      fail(`ballot ${i + 1}: cast for another election, village, station or kiosk`);
    }
    if (body.ballot_id <= last) fail('ballots: not sorted by ballot id, or a ballot twice');
    last = body.ballot_id;
    return ballot;
  });
  const digests = parsed.map((x) => ballotDigest(x.body));
  // 8. results
  let results = null;
  if (b.results !== null) {
    results = openEnvelope(b.results, 'results', cert.key, 'results', 'results');
    fields(results, RESULT_FIELDS, 'results');
    for (const k of ['election_id', 'definition_hash', 'village', 'station', 'kiosk_id',
      'mode']) {
      if (results[k] !== b[k]) fail(`results: ${k} differs from the bundle`);
    }
    for (const k of ['activations', 'ballots', 'voided']) {
      if (results[k] !== b.counts[k]) fail(`results: ${k} differs from the counts`);
    }
    const votes = list(results.votes, 'results votes');
    if (votes.length !== n) fail('results: not one entry per candidate');
    let sum = 0;
    votes.forEach((v, i) => {
      fields(v, ['number', 'votes'], 'results vote');
      if (v.number !== i + 1) fail('results: votes not in candidate order');
      sum += int(v.votes, 'votes');
    });
    if (sum !== results.ballots) fail('results: the votes do not add up to the ballots');
    const sorted = [...digests].sort((x, y) => (toHex(x) < toHex(y) ? -1 : 1));
    if (results.box_root !== toHex(H32('ballot-box', ...sorted))) {
      fail('results: box_root does not match the ballots');
    }
    const aggParts = aggregate.flatMap(([A, B]) => [enc(A), enc(B)]);
    if (results.aggregate_hash !== toHex(H32('aggregate', ...aggParts))) {
      fail('results: aggregate_hash does not match the aggregate');
    }
    list(results.trustees, 'results trustees');
  }
  // 9. reconciliation (4.9)
  list(b.partials, 'partials');
  b.partials.forEach((p) => fields(p, ['index', 'proofs', 'shares'], 'partial'));
  const secrets = {
    hex: parsed.map((x) => x.body.ballot_id).concat(digests.map((d) => toHex(d.slice(0, 16)))),
    codes: digests.map((d) => trackingCode(d).replace(/-/g, '').toLowerCase()),
  };
  reconcile(b, chain, station.dpt, village.threshold, secrets);
  // 10. full verification: signatures, proofs, aggregate, partials, combination
  const K = pr.keys.get(b.village)[0];
  let sumA = aggregate.map(() => ZERO);
  let sumB = aggregate.map(() => ZERO);
  for (let i = 0; i < parsed.length; i++) {
    const what = `ballot ${i + 1} (${trackingCode(digests[i])})`;
    verifySignature(cert.key, 'ballot', canonical({ $magic: 'SD/ballot', $v: 1,
      ...parsed[i].body }), ballots[i].sig, what);
    verifyBallotProofs(parsed[i], K, n, what);
    sumA = sumA.map((a, p) => a.add(parsed[i].selections[p].A));
    sumB = sumB.map((x, p) => x.add(parsed[i].selections[p].B));
    await tick(i + 1, parsed.length);
  }
  aggregate.forEach(([A, B], p) => {
    if (!A.equals(sumA[p]) || !B.equals(sumB[p])) {
      fail(`aggregate: candidate ${p + 1} is not the sum of the ballots`);
    }
  });
  const dctx = decryptionContext(b);
  const partials = new Map();
  let prev = 0;
  for (const p of b.partials) {
    const ok = verifyPartial(p, aggregate, pr.keys.get(b.village), village.trustees.length,
      dctx, `partial decryption ${p.index}`);
    if (ok.index <= prev) fail('partials: not sorted by index, or a trustee twice');
    prev = ok.index;
    partials.set(ok.index, ok);
  }
  if (results !== null) {
    const max = Math.max(station.dpt, parsed.length);
    const counts = combine(aggregate, partials, results.trustees, max, 'combination');
    counts.forEach((m, p) => {
      if (m !== results.votes[p].votes) {
        fail(`results: candidate ${p + 1} has ${results.votes[p].votes} votes but the ` +
          `decryption gives ${m}`);
      }
    });
  }
  for (const ext of BUNDLE_EXTENSIONS) {
    ext.check(b, { village, station, key: K, kioskKey: cert.key, candidates: n });
  }
  return {
    body: b, results, digest: toHex(H32('bundle-file', fileBytes)),
    eventDigests: chain.digests, boxRoot: toHex(H32('ballot-box',
      ...[...digests].sort((x, y) => (toHex(x) < toHex(y) ? -1 : 1)))),
    codes: digests.map(trackingCode),
  };
}

export { hexBytes };
