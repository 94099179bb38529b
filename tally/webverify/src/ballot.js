// Ballot records and their proofs (docs/PROTOCOL.md 4.1, 4.2, 6.1-6.3) and partial
// decryptions with their proofs and the Lagrange combination (7.1-7.3).
import { H32, Hs, canonical, concat, fail, u32be, utf8 } from './encoding.js';
import { G, ZERO, baseMul, enc, fields, int, inverse, list, mod, mul, point, scalar, str } from
  './group.js';

/** Decode one ballot body (4.1): exact fields, canonical points and scalars. */
export function parseBallot(body, what) {
  fields(body, ['ballot_id', 'election_id', 'kiosk', 'selections', 'station', 'sum_proof',
    'village'], what);
  if (typeof body.ballot_id !== 'string' || !/^[0-9a-f]{32}$/.test(body.ballot_id)) {
    fail(`${what}: ballot_id is not 16 bytes of hex`);
  }
  for (const k of ['election_id', 'kiosk', 'station', 'village']) str(body[k], `${what} ${k}`);
  const sels = list(body.selections, `${what} selections`);
  if (sels.length < 1) fail(`${what}: no selection`);
  const selections = sels.map((s, i) => {
    fields(s, ['ct', 'proof'], `${what} selection ${i}`);
    const ct = list(s.ct, `${what} ct`);
    const pr = list(s.proof, `${what} proof`);
    if (ct.length !== 2 || pr.length !== 4) fail(`${what} selection ${i}: wrong shape`);
    return {
      A: point(ct[0], `${what} ct`, true), B: point(ct[1], `${what} ct`, true),
      proof: pr.map((x) => scalar(x, `${what} proof`)),
    };
  });
  const sp = list(body.sum_proof, `${what} sum_proof`);
  if (sp.length !== 2) fail(`${what}: sum_proof shape`);
  return { body, selections, sumProof: sp.map((x) => scalar(x, `${what} sum_proof`)) };
}

export function contextBytes(body) {
  return canonical({ ballot_id: body.ballot_id, election_id: body.election_id,
    kiosk: body.kiosk, station: body.station, village: body.village });
}

export function ballotDigest(body) {
  return H32('ballot', canonical({ $magic: 'SD/ballot', $v: 1, ...body }));
}

/** 6.3 steps 3-5 under election key K (a checked non-identity point). */
export function verifyBallotProofs(ballot, K, nCandidates, what) {
  if (ballot.selections.length !== nCandidates) fail(`${what}: not one selection per candidate`);
  const ctx = contextBytes(ballot.body);
  const Genc = enc(G);
  const Kenc = enc(K);
  let sumA = ZERO;
  let sumB = ZERO;
  ballot.selections.forEach(({ A, B, proof: [c0, c1, v0, v1] }, i) => {
    const a0 = baseMul(v0).subtract(mul(A, c0));
    const b0 = mul(K, v0).subtract(mul(B, c0));
    const a1 = baseMul(v1).subtract(mul(A, c1));
    const b1 = mul(K, v1).subtract(mul(B.subtract(G), c1));
    const c = Hs('proof/zero-one', concat([ctx, u32be(i)]), Genc, Kenc, enc(A), enc(B),
      enc(a0), enc(b0), enc(a1), enc(b1));
    if (mod(c0 + c1) !== c) fail(`${what}: the 0/1 proof of selection ${i + 1} fails`);
    sumA = sumA.add(A);
    sumB = sumB.add(B);
  });
  const [c, v] = ballot.sumProof;
  const Y = sumB.subtract(G);
  const t1 = baseMul(v).subtract(mul(sumA, c));
  const t2 = mul(K, v).subtract(mul(Y, c));
  if (Hs('proof/exactly-one', ctx, Genc, enc(sumA), Kenc, enc(Y), enc(t1), enc(t2)) !== c) {
    fail(`${what}: the exactly-one proof fails`);
  }
}

/** Trustee i's public key S_i = sum_j i^j C_j (7.1). */
export function trusteeKey(commitments, i) {
  let S = ZERO;
  let power = 1n;
  for (const C of commitments) {
    S = S.add(mul(C, power));
    power = mod(power * BigInt(i));
  }
  return S;
}

/** Decode and verify one partial decryption (7.2) against the aggregate. */
export function verifyPartial(partial, aggregate, commitments, nTrustees, dctx, what) {
  fields(partial, ['index', 'proofs', 'shares'], what);
  const i = int(partial.index, `${what} index`, 1);
  if (i > nTrustees) fail(`${what}: trustee index ${i} out of range`);
  const shares = list(partial.shares, `${what} shares`).map((d) => point(d, `${what} share`, true));
  const proofs = list(partial.proofs, `${what} proofs`);
  if (shares.length !== aggregate.length || proofs.length !== aggregate.length) {
    fail(`${what}: not one share and proof per candidate`);
  }
  const S = trusteeKey(commitments, i);
  shares.forEach((D, p) => {
    const pr = list(proofs[p], `${what} proof`);
    if (pr.length !== 2) fail(`${what}: proof shape`);
    const [c, v] = pr.map((x) => scalar(x, `${what} proof`));
    const A = aggregate[p][0];
    if (A.equals(ZERO)) {
      if (!D.equals(ZERO)) fail(`${what}: share for an empty aggregate is not the identity`);
      return;
    }
    const t1 = baseMul(v).subtract(mul(S, c));
    const t2 = mul(A, v).subtract(mul(D, c));
    const ctx = concat([dctx, u32be(i), u32be(p)]);
    if (Hs('proof/partial-decryption', ctx, enc(G), enc(S), enc(A), enc(D), enc(t1), enc(t2))
        !== c) {
      fail(`${what}: the decryption proof of trustee ${i} for candidate ${p + 1} fails`);
    }
  });
  return { index: i, shares };
}

export function decryptionContext(b) {
  return canonical({ election_id: b.election_id, kiosk_id: b.kiosk_id,
    purpose: 'station-aggregate', station: b.station, village: b.village });
}

/** Combine the partials of trustees Q (7.3) into counts; table 0..max. */
export function combine(aggregate, partials, Q, max, what) {
  const lambdas = Q.map((i) => {
    let num = 1n;
    let den = 1n;
    for (const j of Q) {
      if (j === i) continue;
      num = mod(num * BigInt(j));
      den = mod(den * BigInt(j - i));
    }
    return mod(num * inverse(den));
  });
  return aggregate.map(([, B], p) => {
    let M = B;
    Q.forEach((i, q) => {
      M = M.subtract(mul(partials.get(i).shares[p], lambdas[q]));
    });
    // Walk 0*G, 1*G, ... up to max (equality of ristretto points is cheap; no encoding).
    let acc = ZERO;
    for (let m = 0; m <= max; m++) {
      if (acc.equals(M)) return m;
      acc = acc.add(G);
    }
    return fail(`${what}: the partial decryptions do not decrypt candidate ${p + 1}`);
  });
}

export { utf8 };
