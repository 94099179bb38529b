// The public election record `election.json` (docs/PROTOCOL.md 4.3-4.5).
import { H32, canonical, decodeRecord, equalBytes, fail, hexBytes, toHex } from './encoding.js';
import { fields, int, list, point, str } from './group.js';
import { keyId, openEnvelope, publicKey } from './signed.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function id(v, what) {
  if (typeof v !== 'string' || !ID.test(v)) fail(`${what}: not a valid id`);
  return v;
}

function text(v, what) {
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || v === '' || v.trim() !== v || /[\u0000-\u001f\u007f]/.test(v)) {
    fail(`${what}: not a trimmed, non-empty text`);
  }
  return v;
}

const ZONES = ['WIB', 'WITA', 'WIT'];

/** The exact-field check with optional fields (4.3): each one absent, or present and
 * checked by the caller; a null is never written for an absent field. */
function fieldsWith(obj, names, optional, what) {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(`${what}: not an object`);
  const present = optional.filter((k) => Object.prototype.hasOwnProperty.call(obj, k));
  return fields(obj, [...names, ...present], what);
}

function shortText(v, max, what) {
  text(v, what);
  if ([...v].length > max) fail(`${what}: longer than ${max} characters`);
  return v;
}

function parseStation(s, what) {
  fieldsWith(s, ['code', 'dpt'], ['dpt_female', 'dpt_male', 'dptb'], what);
  id(s.code, `${what} code`);
  const dpt = int(s.dpt, `${what} dpt`, 1);
  if (dpt > 100000) fail(`${what}: dpt above 100000`);
  if (('dpt_male' in s) !== ('dpt_female' in s)) fail(`${what}: dpt_male and dpt_female come together`);
  if ('dpt_male' in s) {
    const m = int(s.dpt_male, `${what} dpt_male`, 0);
    const f = int(s.dpt_female, `${what} dpt_female`, 0);
    if (m + f !== dpt) fail(`${what}: dpt_male + dpt_female is not dpt`);
  }
  if ('dptb' in s && int(s.dptb, `${what} dptb`, 0) > 100000) fail(`${what}: dptb above 100000`);
}

function parseCommittee(list_, what) {
  const members = list(list_, what);
  if (members.length === 0) fail(`${what}: is empty`);
  for (const m of members) {
    fields(m, ['name', 'role', 'signs'], `${what} member`);
    shortText(m.name, 120, `${what} name`);
    shortText(m.role, 60, `${what} role`);
    if (typeof m.signs !== 'boolean') fail(`${what}: signs not a boolean`);
  }
  if (!members.some((m) => m.signs)) fail(`${what}: no member signs`);
}

function parseVillage(v, what) {
  fieldsWith(v, ['candidates', 'code', 'district', 'name',
    'single_candidate', 'stations', 'threshold', 'trustees'], ['bulletin_board', 'committee'], what);
  if ('bulletin_board' in v) shortText(v.bulletin_board, 200, `${what} bulletin_board`);
  if ('committee' in v) parseCommittee(v.committee, `${what} committee`);
  id(v.code, `${what} code`);
  text(v.name, `${what} name`);
  text(v.district, `${what} district`);
  if (typeof v.single_candidate !== 'boolean') fail(`${what}: single_candidate not a boolean`);
  const cands = list(v.candidates, `${what} candidates`);
  const n = cands.length;
  if (n > 20 || (v.single_candidate ? n !== 1 : n < 2)) fail(`${what}: wrong number of candidates`);
  cands.forEach((c, i) => {
    fields(c, ['name', 'number', 'photo'], `${what} candidate`);
    if (c.number !== i + 1) fail(`${what}: candidates not numbered 1..n in order`);
    text(c.name, `${what} candidate name`);
    if (c.photo !== null && typeof c.photo !== 'string') fail(`${what}: photo`);
  });
  const codes = new Set();
  for (const s of list(v.stations, `${what} stations`)) {
    parseStation(s, `${what} station`);
    if (codes.has(s.code)) fail(`${what}: station ${s.code} twice`);
    codes.add(s.code);
  }
  const trustees = list(v.trustees, `${what} trustees`);
  trustees.forEach((t, i) => {
    fields(t, ['index', 'name'], `${what} trustee`);
    if (t.index !== i + 1) fail(`${what}: trustees not indexed 1..n`);
    text(t.name, `${what} trustee name`);
  });
  const k = int(v.threshold, `${what} threshold`, 1);
  if (k > trustees.length) fail(`${what}: threshold above the number of trustees`);
  return v;
}

/** Parse the definition body and compute its hash (4.3). */
export function parseDefinition(def) {
  fieldsWith(def, ['date', 'election_id', 'languages', 'name', 'regency', 'villages'],
    ['time_zone'], 'definition');
  if ('time_zone' in def && !ZONES.includes(def.time_zone)) fail('definition: time_zone');
  id(def.election_id, 'election_id');
  text(def.name, 'definition name');
  text(def.regency, 'definition regency');
  if (typeof def.date !== 'string' || !DATE.test(def.date)) fail('definition: date');
  list(def.languages, 'languages').forEach((l) => str(l, 'language'));
  const codes = new Set();
  for (const v of list(def.villages, 'villages')) {
    parseVillage(v, `village ${v && v.code}`);
    if (codes.has(v.code)) fail(`village ${v.code} twice`);
    codes.add(v.code);
  }
  const bytes = canonical({ $magic: 'SD/definition', $v: 1, ...stripHeader(def) });
  return H32('definition', bytes);
}

function stripHeader(obj) {
  const out = { ...obj };
  delete out.$magic;
  delete out.$v;
  return out;
}

/**
 * Verify `election.json` (4.5 steps 1-6). `authorityId` is the key id known out of
 * band (null: not checked, shown to the reader instead). Returns what the bundle checks need.
 */
export function verifyPublicRecord(fileBytes, authorityId) {
  const env = decodeRecord(fileBytes, 'signed', 'election.json');
  const rec = env.body;
  if (rec === null || typeof rec !== 'object' || rec.$magic !== 'SD/public-record' || rec.$v !== 1) {
    fail('election.json: not a public record');
  }
  fields(rec, ['authority_key', 'definition', 'definition_hash', 'kiosk_certificates',
    'village_keys'], 'public record');
  const authority = publicKey(rec.authority_key, 'authority key');
  if (authorityId && keyId(authority) !== authorityId) {
    fail('public record: the authority key is not the published one');
  }
  openEnvelope(env, 'public-record', authority, 'public-record', 'public record');
  const def = rec.definition;
  if (def.$magic !== undefined && def.$magic !== 'SD/definition') fail('definition: wrong kind');
  const defHash = parseDefinition(def);
  if (!equalBytes(hexBytes(rec.definition_hash, 32, 'definition_hash'), defHash)) {
    fail('public record: definition_hash does not match the definition');
  }
  const villages = new Map(def.villages.map((v) => [v.code, v]));
  const keys = new Map();
  for (const vk of list(rec.village_keys, 'village_keys')) {
    fields(vk, ['commitments', 'village'], 'village key');
    const v = villages.get(vk.village);
    if (!v) fail(`village key for unknown village ${vk.village}`);
    if (keys.has(vk.village)) fail(`village ${vk.village} has two keys`);
    const commitments = list(vk.commitments, 'commitments')
      .map((c) => point(c, `commitment of ${vk.village}`));
    if (commitments.length !== v.threshold) fail(`village ${vk.village}: not threshold commitments`);
    // The election key K = C_0 multiplies every ballot proof: a window table (built on
    // first use, kept for the village) makes those products cheap.
    commitments[0].precompute(8, true);
    keys.set(vk.village, commitments);
  }
  for (const code of villages.keys()) if (!keys.has(code)) fail(`village ${code} has no key`);
  const certs = new Map();
  for (const c of list(rec.kiosk_certificates, 'kiosk_certificates')) {
    const body = openEnvelope(c, 'kiosk-cert', authority, 'kiosk-cert', 'kiosk certificate');
    fields(body, ['definition_hash', 'election_id', 'kiosk_id', 'public_key', 'station',
      'valid_from', 'valid_until', 'village'], 'kiosk certificate');
    if (body.election_id !== def.election_id || body.definition_hash !== toHex(defHash)) {
      fail(`kiosk certificate ${body.kiosk_id}: another election`);
    }
    id(body.kiosk_id, 'kiosk_id');
    if (certs.has(body.kiosk_id)) fail(`kiosk ${body.kiosk_id} certified twice`);
    const v = villages.get(body.village);
    if (!v || !v.stations.some((s) => s.code === body.station)) {
      fail(`kiosk certificate ${body.kiosk_id}: unknown village or station`);
    }
    for (const d of [body.valid_from, body.valid_until]) {
      if (typeof d !== 'string' || !DATE.test(d)) fail(`kiosk certificate ${body.kiosk_id}: dates`);
    }
    certs.set(body.kiosk_id, { body, envelope: c, key: publicKey(body.public_key, 'kiosk key') });
  }
  return {
    digest: H32('public-record', fileBytes), authority, authorityId: keyId(authority),
    definition: def, definitionHash: toHex(defHash), villages, keys, certs,
  };
}
