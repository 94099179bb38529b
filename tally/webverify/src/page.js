// verify.html: loads the board's data files with <script> (file:// allows no fetch),
// starts the verifier in a Web Worker made from a Blob (a worker from a file URL is
// refused by Chromium over file://), or in the page when no worker can start, shows
// progress and the verdict per station and for the village. `?village=CODE&auto=1`
// starts at once; #verdict ends as `VALID` or `INVALID: <reason>`.
const board = globalThis.SD_BOARD || {};
const $ = (id) => document.getElementById(id);

function text(id, value) {
  $(id).textContent = value;
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.appendChild(s);
  });
}

function villagesOf(recordB64) {
  const bin = atob(recordB64);
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)).body.definition.villages;
}

function startWorker(onMessage) {
  if (typeof Worker === 'undefined' || !globalThis.SD_VERIFIER_SOURCE) return null;
  try {
    const url = URL.createObjectURL(new Blob([globalThis.SD_VERIFIER_SOURCE],
      { type: 'text/javascript' }));
    const w = new Worker(url);
    w.onmessage = (e) => onMessage(e.data);
    return w;
  } catch (e) {
    return null;
  }
}

async function verify(code) {
  $('start').disabled = true;
  text('verdict', '');
  text('putusan', 'Memeriksa... / checking...');
  const rows = $('stations');
  rows.textContent = '';
  await loadScript(`data/${encodeURIComponent(code)}/bundles.js`).catch(() => null);
  const data = (board.villages || {})[code];
  const msg = { election: board.election, authorityId: board.authorityId, village: code,
    files: data ? data.files : {}, results: data ? data.results : null };
  const onMessage = (m) => {
    if (m.type === 'record') {
      text('authority', m.authorityId);
    } else if (m.type === 'progress') {
      text('progress', `${m.station}: ${m.done} / ${m.all} surat suara / ballots`);
      $('bar').value = m.all ? m.done / m.all : 1;
    } else if (m.type === 'station') {
      const tr = document.createElement('tr');
      const verdict = m.row.valid ? 'SAH / VALID' : 'TIDAK SAH / INVALID';
      for (const cell of [m.row.code, m.row.status, verdict, m.row.reason]) {
        const td = document.createElement('td');
        td.textContent = cell;
        tr.appendChild(td);
      }
      tr.className = m.row.valid ? 'ok' : 'bad';
      rows.appendChild(tr);
    } else if (m.type === 'done') {
      text('progress', `${m.ballots} surat suara diperiksa / ballots checked, ` +
        `${(m.ms / 1000).toFixed(1)} s (${document.body.dataset.engine})`);
      text('putusan', m.valid ? 'Desa ini SAH' : `TIDAK SAH: ${m.reason}`);
      document.body.dataset.ballots = String(m.ballots);
      document.body.dataset.ms = String(m.ms);
      text('verdict', m.valid ? 'VALID' : `INVALID: ${m.reason}`);
      $('start').disabled = false;
    }
  };
  const worker = startWorker(onMessage);
  if (worker) {
    document.body.dataset.engine = 'worker';
    worker.postMessage(msg);
    return;
  }
  document.body.dataset.engine = 'page';
  await loadScript('verifier/sdverify.js');
  globalThis.SDVerify.run(msg, onMessage, () => new Promise((r) => setTimeout(r, 0)));
}

function main() {
  const params = new URLSearchParams(location.search);
  const code = params.get('village');
  const select = $('village');
  for (const v of villagesOf(board.election)) {
    const o = document.createElement('option');
    o.value = v.code;
    o.textContent = `${v.name} (${v.code})`;
    select.appendChild(o);
  }
  if (code) select.value = code;
  $('start').addEventListener('click', () => verify(select.value));
  document.body.dataset.ready = '1';
  if (code && params.get('auto') === '1') verify(code);
}

main();
