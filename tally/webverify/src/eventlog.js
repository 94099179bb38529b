// The event-log chain (docs/PROTOCOL.md 4.6) and the count reconciliation (4.9).
import { H32, canonical, fail, toHex } from './encoding.js';
import { fields, int, str } from './group.js';

const ZERO32 = '0'.repeat(64);

/** Check the chain; return the digest of every entry (hex) and the head. */
export function verifyChain(events) {
  const digests = [];
  let prev = ZERO32;
  events.forEach((e, i) => {
    fields(e, ['detail', 'event', 'prev', 'seq', 'time'], `event ${i}`);
    str(e.event, `event ${i} code`);
    str(e.time, `event ${i} time`);
    if (e.seq !== i) fail(`event log: entry ${i} has seq ${e.seq}`);
    if (e.prev !== prev) fail(`event log: the chain is broken at entry ${i}`);
    if (e.detail === null || typeof e.detail !== 'object' || Array.isArray(e.detail)) {
      fail(`event ${i}: detail is not an object`);
    }
    for (const v of Object.values(e.detail)) {
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isSafeInteger(v))) {
        fail(`event ${i}: detail holds something other than strings and integers`);
      }
    }
    prev = toHex(H32('event', canonical({ $magic: 'SD/event', $v: 1, ...e })));
    digests.push(prev);
  });
  return { digests, head: prev };
}

const POLLS = {
  'polls.setup_to_ready': ['setup', 'ready'],
  'polls.ready_to_open': ['ready', 'open'],
  'polls.open_to_paused': ['open', 'paused'],
  'polls.paused_to_open': ['paused', 'open'],
  'polls.open_to_closed': ['open', 'closed'],
  'polls.paused_to_closed': ['paused', 'closed'],
  'polls.closed_to_results': ['closed', 'results'],
  'polls.exported_to_results': ['closed', 'results'],
};
const EXPORT_ONLY = ['polls.closed_to_exported', 'polls.results_to_exported',
  'polls.exported_again'];
const VOIDS = ['session.voided', 'session.timed_out', 'session.voided_on_restart'];
const SECRET_KEYS = ['ballot_id', 'tracking', 'selection', 'choice', 'candidate', 'pin', 'key'];

/**
 * The seven checks of 4.9. `b` is the bundle body, `chain` from verifyChain, `dpt` the
 * station's voter list size, `k` the village threshold, `secrets` {ids, digests16, codes}.
 */
export function reconcile(b, chain, dpt, k, secrets) {
  const ev = b.events;
  if (ev.length === 0 || ev[0].event !== 'storage.created') {
    fail('event log: entry 0 is not storage.created');
  }
  let start = 0;
  ev.forEach((e, i) => {
    if (e.event === 'box.cleared') start = i + 1;
  });
  if (start > 0) {
    const sw = ev[start];
    if (!sw || sw.event !== 'mode.switched' || sw.detail.to !== b.mode) {
      fail('event log: box.cleared is not followed by mode.switched to the bundle mode');
    }
  } else if (b.mode !== 'official') {
    fail('event log: a test-mode bundle without a mode switch');
  }
  let state = 'setup';
  let session = false;
  const counts = { activations: 0, ballots: 0, voided: 0 };
  let close = null;
  let computed = -1;
  const accepted = [];
  for (let i = start; i < ev.length; i++) {
    const { event: code, detail } = ev[i];
    if (EXPORT_ONLY.includes(code)) fail(`event log: ${code} inside the events`);
    if (POLLS[code]) {
      const [from, to] = POLLS[code];
      if (state !== from) fail(`event log: ${code} with the polls ${state} (entry ${i})`);
      state = to;
      if (to === 'closed') close = detail;
      if (to === 'results' && computed !== i - 1) {
        fail(`event log: ${code} not right after results.computed`);
      }
    } else if (code === 'session.activated') {
      if (state !== 'open' || session) fail(`event log: activation not allowed (entry ${i})`);
      session = true;
      counts.activations++;
    } else if (code === 'ballot.cast' || VOIDS.includes(code)) {
      if (state !== 'open' || !session) fail(`event log: ${code} with no open session (entry ${i})`);
      session = false;
      if (code === 'ballot.cast') counts.ballots++;
      else counts.voided++;
    } else if (code === 'results.computed') {
      if (computed >= 0) fail('event log: results computed twice');
      if (state !== 'closed') fail('event log: results computed before the close');
      computed = i;
    } else if (code === 'trustee.accepted') {
      accepted.push(int(detail.index, `event ${i} index`, 1));
    }
  }
  if (session) fail('event log: a voter session is still open at the end');
  if (state !== 'closed' && state !== 'results') fail(`event log: the polls end ${state}`);
  for (const key of ['activations', 'ballots', 'voided']) {
    if (b.counts[key] !== counts[key]) {
      fail(`counts: ${key} is ${b.counts[key]} but the log has ${counts[key]}`);
    }
  }
  if (counts.ballots > counts.activations) fail('counts: more ballots than activations');
  if (counts.ballots > dpt) fail('counts: more ballots than voters on the list (DPT)');
  if (close.ballots !== counts.ballots) fail('event log: the close does not count the ballots');
  if (b.results !== null) {
    const r = b.results.body;
    if (computed < 0) fail('event log: results without results.computed');
    if (computed + 1 >= ev.length || POLLS[ev[computed + 1].event]?.[1] !== 'results') {
      fail('event log: results.computed not followed by the move to results');
    }
    if (ev[computed].detail.ballots !== r.ballots) fail('event log: results.computed ballots');
    if (r.log_head !== chain.digests[computed - 1]) {
      fail('results: log_head is not the entry before results.computed');
    }
  } else if (computed >= 0) {
    fail('event log: results.computed but no results in the bundle');
  }
  const indexes = b.partials.map((p) => p.index).sort((x, y) => x - y);
  const acc = [...accepted].sort((x, y) => x - y);
  if (indexes.join() !== acc.join()) fail('partials: not the trustees the log accepted');
  if (b.results !== null) {
    const want = [...new Set(acc)].slice(0, k);
    const got = b.results.body.trustees;
    if (want.length !== k || JSON.stringify(got) !== JSON.stringify(want)) {
      fail('results: trustees are not the k lowest accepted');
    }
  }
  for (const e of ev) {
    for (const [key, value] of Object.entries(e.detail)) {
      const lk = key.toLowerCase();
      if (SECRET_KEYS.some((s) => lk.includes(s))) fail(`event log: a detail key ${key}`);
      if (typeof value !== 'string') continue;
      const lv = value.toLowerCase();
      const squeezed = lv.replace(/[\s-]/g, '');
      if (secrets.hex.some((h) => lv.includes(h)) ||
          secrets.codes.some((c) => squeezed.includes(c))) {
        fail('event log: an entry carries a ballot id or tracking code');
      }
    }
  }
}
