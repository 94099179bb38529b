// Spoiled ballots: the Benaloh challenge (docs/PROTOCOL.md 4.8 `spoiled`, 4.10, 10 step 7).
//
// A voter who checks a committed ballot makes the kiosk reveal its encryption nonces r_i.
// Anyone can then re-encrypt the candidate the challenge receipt printed and compare with
// the committed ciphertexts: a kiosk that encrypted another candidate than the one shown
// is caught. A spoiled ballot is never counted (not in the box, the aggregate or any
// count); the count reconciliation (4.9 check 4) has one `ballot.challenged` per element.
//
// What this proves: each spoiled ballot is a well-formed ballot of this station, signed by
// its kiosk, that encrypts exactly the candidate it names. What it cannot prove: that the
// voter saw that candidate on screen (the voter compares the receipt and the board), or
// that a spoiled ballot the kiosk-key holder removed together with its log entry existed
// (the voter's receipt, whose tracking code is then missing from the board, shows it).
import { H32, canonical, fail, toHex } from './encoding.js';
import { G, ZERO, baseMul, fields, int, list, mul, scalar } from './group.js';
import { verifySignature } from './signed.js';
import { parseBallot, verifyBallotProofs } from './ballot.js';

export const SPOILED_LABEL = 'spoiled-ballot';

/**
 * 4.10's check of one opened ballot: the candidate exists, the proofs verify under K,
 * one canonical nonce per selection, and (r_i*G, m_i*G + r_i*K) is selection i's
 * ciphertext with m_i = 1 exactly at the candidate's position.
 */
export function verifyOpening(record, ballot, K, n, what) {
  const candidate = int(record.candidate, `${what} candidate`);
  if (candidate < 1 || candidate > n) fail(`${what}: names candidate ${candidate}, not on the ballot`);
  verifyBallotProofs(ballot, K, n, what);
  const nonces = list(record.nonces, `${what} nonces`);
  if (nonces.length !== n) fail(`${what}: ${nonces.length} nonces for ${n} selections`);
  nonces.forEach((hex, i) => {
    const r = scalar(hex, `${what} nonce`);
    const { A, B } = ballot.selections[i];
    const m = i === candidate - 1 ? G : ZERO;
    if (!A.equals(baseMul(r)) || !B.equals(m.add(mul(K, r)))) {
      fail(`${what}: selection ${i + 1} does not re-encrypt with its nonce (it does not ` +
        `encrypt candidate ${candidate})`);
    }
  });
  return candidate;
}

/**
 * The bundle's `spoiled` list (absent when empty; sorted by ballot id, no duplicates),
 * each element checked in full. `ctx`: {key (village K), kioskKey, candidates (n),
 * castIds (Set of the cast ballots' ids), trackingCode (digest -> code)}.
 * Returns {count, opened: [{code, candidate}], hex: [...], digests: [...]} for the
 * reconciliation (no log entry may carry a spoiled ballot's id or code, 4.9 check 7).
 */
export function checkSpoiled(b, ctx) {
  const out = { count: 0, opened: [], hex: [], digests: [] };
  if (!('spoiled' in b)) return out;
  const items = list(b.spoiled, 'spoiled');
  if (items.length === 0) fail('spoiled: an empty list is written by leaving the field out');
  let last = '';
  items.forEach((item, i) => {
    const what = `spoiled ballot ${i + 1}`;
    fields(item, ['sig', 'spoiled'], what);
    const record = item.spoiled;
    fields(record, ['ballot', 'candidate', 'nonces'], what);
    const ballot = parseBallot(record.ballot, what);
    const body = record.ballot;
    if (body.election_id !== b.election_id || body.village !== b.village ||
        body.station !== b.station || body.kiosk !== b.kiosk_id) {
      fail(`${what}: committed for another election, village, station or kiosk`);
    }
    if (ctx.castIds.has(body.ballot_id)) fail(`${what}: has the id of a cast ballot`);
    if (body.ballot_id <= last) fail('spoiled: not sorted by ballot id, or a ballot twice');
    last = body.ballot_id;
    const digest = H32('ballot', canonical({ $magic: 'SD/ballot', $v: 1, ...body }));
    const code = ctx.trackingCode(digest);
    const named = `${what} (${code})`;
    verifySignature(ctx.kioskKey, SPOILED_LABEL, canonical({ $magic: 'SD/spoiled', $v: 1,
      ...record }), item.sig, named);
    const candidate = verifyOpening(record, ballot, ctx.key, ctx.candidates, named);
    out.opened.push({ code, candidate });
    out.hex.push(body.ballot_id, toHex(digest.slice(0, 16)));
    out.digests.push(digest);
  });
  out.count = items.length;
  return out;
}
