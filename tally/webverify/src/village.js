// One village of the bulletin board: every published bundle verified (section 10), the
// district rules (docs/PROTOCOL.md 12.1, 12.4) applied to them, and the published
// `results.json` (12.5) compared with what the bundles prove.
import { VerifyError, fail } from './encoding.js';
import { verifyBundle } from './bundle.js';

/** Bundle N extends bundle O (12.1.3). */
function extendsBundle(n, o) {
  const a = n.body;
  const b = o.body;
  const same = (x, y) => JSON.stringify(x) === JSON.stringify(y);
  if (a.village !== b.village || a.station !== b.station || a.kiosk_id !== b.kiosk_id ||
      a.mode !== b.mode) return false;
  if (!same(a.ballots, b.ballots) || !same(a.aggregate, b.aggregate) ||
      !same(a.counts, b.counts) || n.boxRoot !== o.boxRoot) return false;
  if (n.eventDigests.length <= o.eventDigests.length ||
      o.eventDigests.some((d, i) => d !== n.eventDigests[i])) return false;
  if (!b.partials.every((p) => a.partials.some((q) => same(p, q)))) return false;
  return b.results === null || same(b.results, a.results);
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

/**
 * Verify a village. `files` maps a bundle file name to its bytes; `published` is the
 * village's results.json object. `report(event)` receives progress and station verdicts.
 * Returns {valid, reason, stations: [{code, valid, reason, status}]}.
 */
export async function verifyVillage(pr, code, files, published, report) {
  const village = pr.villages.get(code);
  if (!village) fail(`unknown village ${code}`);
  const names = Object.keys(files).sort();
  const stationRows = [];
  const byCode = new Map((published.stations || []).map((s) => [s.code, s]));
  let firstError = null;
  const n = village.candidates.length;
  const votes = new Array(n).fill(0);
  let ballots = 0;
  const total = { done: 0, all: 0 };
  const statuses = [];
  for (const station of village.stations) {
    const mine = names.filter((f) => f === `${station.code}.sdbundle` ||
      new RegExp(`^${station.code.replace(/[.]/g, '\\.')}_[0-9a-f]{16}\\.sdbundle$`).test(f));
    const row = { code: station.code, valid: true, reason: '', status: '' };
    try {
      const verified = [];
      for (const name of mine) {
        try {
          const facts = await verifyBundle(files[name], pr, async (done, all) => {
            await report({ type: 'progress', station: station.code, file: name, done, all,
              total });
          });
          if (facts.body.village !== code || facts.body.station !== station.code) {
            fail('the bundle names another station');
          }
          if (facts.body.mode !== 'official') fail('a test-mode bundle on the board');
          total.done += facts.body.ballots.length;
          verified.push(facts);
        } catch (e) {
          if (e instanceof VerifyError) throw new VerifyError(`${name}: ${e.message}`);
          throw e;
        }
      }
      const live = verified.filter((f) => !verified.some((o) => o !== f && extendsBundle(o, f)));
      if (live.length !== verified.length) fail('a superseded bundle is published');
      const pub = byCode.get(station.code);
      if (!pub) fail('results.json has no row for the station');
      let status;
      let counted = null;
      if (live.length >= 2) {
        status = 'conflict';
        if (mine.some((f) => f === `${station.code}.sdbundle`)) {
          fail('a conflict published under the plain station name');
        }
      } else if (live.length === 1) {
        const res = live[0].results;
        // A results QR that differs (anomaly) is not in the record; a station whose proofs
        // the tally deferred (unverified) does not count yet although they pass here.
        const kept = ['anomaly', 'unverified'].includes(pub.status) ? pub.status : 'complete';
        status = res === null ? 'missing' : kept;
        if (pub.bundle !== live[0].digest) fail('results.json names another bundle');
        if (res !== null && status !== 'unverified') counted = res;
      } else {
        // No bundle: what results.json says can come only from a results QR or a refusal,
        // which the public record does not hold; only a non-counting status is accepted.
        if (!['missing', 'rejected', 'provisional', 'anomaly'].includes(pub.status)) {
          fail(`results.json says ${pub.status} but no bundle is published`);
        }
        status = pub.status;
      }
      if (pub.status !== status) fail(`results.json says ${pub.status}, the bundles ${status}`);
      if (counted !== null) {
        const sv = counted.votes.map((v) => v.votes);
        if (JSON.stringify(pub.votes) !== JSON.stringify(sv) || pub.ballots !== counted.ballots ||
            pub.activations !== counted.activations || pub.voided !== counted.voided) {
          fail('results.json station figures differ from the signed results');
        }
        sv.forEach((x, i) => { votes[i] += x; });
        ballots += counted.ballots;
      } else if (status === 'provisional') {
        // Counted in running totals from a results QR (12.3): not in the record, taken
        // as published and flagged.
        row.reason = 'provisional (results QR, not in the public record)';
        pub.votes.forEach((x, i) => { votes[i] += x; });
        ballots += pub.ballots;
      } else if (pub.counted || (pub.votes !== null && status !== 'anomaly')) {
        fail('results.json counts a station without signed results');
      }
      row.status = status;
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      row.valid = false;
      row.reason = e.message;
      firstError = firstError || `${station.code}: ${e.message}`;
    }
    statuses.push(row.status);
    stationRows.push(row);
    await report({ type: 'station', row });
  }
  if (firstError === null) {
    try {
      checkTotals(village, published, votes, ballots, statuses);
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      firstError = e.message;
    }
  }
  return { valid: firstError === null, reason: firstError, stations: stationRows };
}

/** Village totals, status, winner and tie (12.4) against results.json. */
function checkTotals(village, published, votes, ballots, statuses) {
  const got = published.candidates.map((c) => c.votes);
  if (JSON.stringify(got) !== JSON.stringify(votes)) {
    fail(`results: the village votes ${got.join('/')} differ from the bundles ${votes.join('/')}`);
  }
  if (published.ballots !== ballots) fail('results: the village ballots differ from the bundles');
  const dpt = village.stations.reduce((a, s) => a + s.dpt, 0);
  const counting = statuses.some((s) => ['complete', 'anomaly', 'provisional'].includes(s));
  const turnout = counting ? round2((100 * ballots) / dpt) : null;
  // Python's round() and Math.round may differ in the last place on a tie: half a unit.
  if ((turnout === null) !== (published.turnout_percent === null) ||
      (turnout !== null && Math.abs(published.turnout_percent - turnout) > 0.0051)) {
    fail('results: turnout differs');
  }
  let status;
  if (statuses.every((s) => s === 'complete')) status = ['complete'];
  else {
    status = [];
    for (const [flag, test] of [['rejected', 'rejected'], ['conflict', 'conflict'],
      ['anomaly', 'anomaly'], ['unverified', 'unverified'], ['provisional', 'provisional'],
      ['missing stations', 'missing']]) {
      if (statuses.includes(test)) status.push(flag);
    }
  }
  if (JSON.stringify(published.status) !== JSON.stringify(status)) {
    fail(`results: status ${published.status} but the bundles give ${status}`);
  }
  const top = Math.max(...votes);
  const leading = top > 0 ? village.candidates.filter((c, i) => votes[i] === top)
    .map((c) => c.number) : [];
  const winner = status.length === 1 && status[0] === 'complete' && leading.length === 1
    ? leading[0] : null;
  if (JSON.stringify(published.leading) !== JSON.stringify(leading) ||
      published.tie !== (leading.length > 1) || published.winner !== winner) {
    fail('results: the winner, tie or leading candidates differ from the bundles');
  }
}
