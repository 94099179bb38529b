// The verifier's entry point. The same script runs as a Web Worker (from a Blob URL, so
// it starts over file://) or, where a worker cannot start, in the page itself; either
// way `run` receives the board's data and reports progress through `post`.
import { H, H32, Hs, VerifyError, decodeRecord, fromBase64, hexBytes, toHex } from
  './encoding.js';
import { baseMul, point, scalar } from './group.js';
import { ballotDigest, contextBytes, parseBallot, verifyBallotProofs } from './ballot.js';
import { trackingCode } from './bundle.js';
import { keyId, openEnvelope, publicKey } from './signed.js';
import { verifyChain } from './eventlog.js';
import { verifyPublicRecord } from './record.js';
import { verifyVillage } from './village.js';

/**
 * msg: {election (base64), authorityId, village, files {name: base64}, results}.
 * pause(): awaited every few ballots (a setTimeout in the page, nothing in a worker).
 */
export async function run(msg, post, pause) {
  const started = Date.now();
  let ballots = 0;
  let sinceYield = 0;
  const finish = (valid, reason, stations) => post({ type: 'done', valid, reason,
    stations: stations || [], ballots, ms: Date.now() - started });
  try {
    const pr = verifyPublicRecord(fromBase64(msg.election), msg.authorityId || null);
    post({ type: 'record', authorityId: pr.authorityId, election: pr.definition.name });
    if (!msg.results) {
      finish(false, `village ${msg.village} is not on the board`);
      return;
    }
    const files = {};
    for (const [name, b64] of Object.entries(msg.files)) files[name] = fromBase64(b64);
    const out = await verifyVillage(pr, msg.village, files, msg.results, async (event) => {
      if (event.type === 'progress') {
        ballots++;
        post(event);
        if (pause && ++sinceYield >= 4) {
          sinceYield = 0;
          await pause();
        }
      } else {
        post(event);
      }
    });
    finish(out.valid, out.reason, out.stations);
  } catch (e) {
    if (e instanceof VerifyError) finish(false, e.message);
    else finish(false, `internal error: ${e && e.message}`);
  }
}

// `internals`: the building blocks, for the golden-vector test (tests/tally/webverify_vectors.js).
globalThis.SDVerify = { run, internals: { H, H32, Hs, decodeRecord, hexBytes, toHex, baseMul,
  point, scalar, ballotDigest, contextBytes, parseBallot, verifyBallotProofs, trackingCode,
  keyId, openEnvelope, publicKey, verifyChain, VerifyError } };

if (typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope) {
  globalThis.onmessage = (e) => run(e.data, (m) => globalThis.postMessage(m), null);
}
