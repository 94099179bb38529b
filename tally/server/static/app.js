// E-rekap dashboard: renders /api/v1/results and /api/v1/audit, refreshed by Server-Sent
// Events (/api/v1/events). Every value is set with textContent (never parsed as HTML).
"use strict";
(function () {
  const T = {
    id: {
      title: "Rekapitulasi desa", language: "Bahasa", connecting: "menghubungkan...",
      live: "langsung", offline: "terputus", stations_reporting: "TPS melapor",
      villages_complete: "desa lengkap", ballots_counted: "surat suara dihitung",
      problems: "Perlu tindakan", incidents: "Kejadian khusus (terbaru dulu)",
      villages: "Desa", filter: "cari desa", officials: "Petugas", user: "nama pengguna",
      password: "kata sandi", login: "Masuk", logout: "Keluar", audit: "Log audit",
      upload_link: "Kirim foto QR hasil dari ponsel", of: "dari", winner: "Pemenang",
      tie: "Seri: diselesaikan menurut peraturan", keep: "Pertahankan", reason: "alasan",
      resolve: "Selesaikan", none: "tidak ada", resolved: "diselesaikan",
      complete: "lengkap", provisional: "sementara", unverified: "belum diverifikasi",
      rejected: "ditolak", conflict: "konflik", anomaly: "anomali", missing: "belum ada",
      "missing stations": "TPS belum lengkap", accepted: "diterima", duplicate: "duplikat",
      superseding: "menggantikan", verified: "terverifikasi",
      paper_title: "Hitungan kertas kotak audit", paper_count: "jumlah catatan kertas",
      paper_save: "Simpan", paper_saved: "tercatat", paper_by: "hitungan kertas",
    },
    en: {
      title: "Village tally", language: "Language", connecting: "connecting...",
      live: "live", offline: "disconnected", stations_reporting: "stations reporting",
      villages_complete: "villages complete", ballots_counted: "ballots counted",
      problems: "Needs action", incidents: "Incidents (newest first)",
      villages: "Villages", filter: "search villages", officials: "Officials",
      user: "user name", password: "password", login: "Log in", logout: "Log out",
      audit: "Audit log", upload_link: "Send a photo of the results QR from a phone",
      of: "of", winner: "Winner", tie: "Tie: settled under the regulations", keep: "Keep",
      reason: "reason", resolve: "Resolve", none: "none", resolved: "resolved",
      complete: "complete", provisional: "provisional", unverified: "not yet verified",
      rejected: "rejected", conflict: "conflict", anomaly: "anomaly", missing: "missing",
      "missing stations": "missing stations", accepted: "accepted", duplicate: "duplicate",
      superseding: "superseding", verified: "verified",
      paper_title: "Audit-box paper count", paper_count: "number of paper records",
      paper_save: "Save", paper_saved: "recorded", paper_by: "paper count",
    },
  };
  let lang = localStorage.getItem("sd-lang") || "id";
  let report = null;
  let audit = [];
  let session = {user: null, csrf: ""};
  let live = "connecting";
  const $ = (id) => document.getElementById(id);
  const t = (key) => (T[lang] && T[lang][key]) || key;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function translateStatic() {
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach((e) => { e.textContent = t(e.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((e) => {
      e.placeholder = t(e.dataset.i18nPlaceholder);
    });
    $("lang").value = lang;
  }

  function renderSummary() {
    const s = report.summary;
    const reporting = s.stations - s.stations_by_status.missing;
    $("reporting").textContent = reporting + " " + t("of") + " " + s.stations;
    $("complete").textContent = s.villages_complete + " " + t("of") + " " + s.villages;
    $("ballots").textContent = String(s.ballots_counted);
    $("election").textContent = report.election.name + " - " + report.election.regency;
  }

  function resolveForm(p) {
    const village = report.villages.find((v) => v.code === p.village);
    const station = village && village.stations.find((s) => s.code === p.station);
    const form = el("form", "resolve");
    const pick = el("select");
    (station ? station.held_bundles : []).filter((h) => h.state === "conflict").forEach((h) => {
      const o = el("option", "", h.digest.slice(0, 16) + " (" + h.ballots + ")");
      o.value = h.digest;
      pick.appendChild(o);
    });
    const why = el("input");
    why.placeholder = t("reason");
    why.required = true;
    const go = el("button", "", t("resolve"));
    go.type = "submit";
    form.append(el("span", "", t("keep")), pick, why, go);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const res = await post("/api/v1/resolve", {village: p.village, station: p.station,
                                                 keep: pick.value, reason: why.value});
      if (!res.ok) { $("login-error").textContent = (await res.json()).error; }
    });
    return form;
  }

  function renderProblems() {
    const list = $("problems");
    list.replaceChildren();
    if (!report.problems.length) { list.appendChild(el("li", "", t("none"))); }
    report.problems.forEach((p) => {
      const li = el("li", "error",
        p.village + "/" + p.station + ": " + t(p.status) + (p.cause ? " (" + p.cause + ")" : ""));
      p.notes.forEach((n) => { li.appendChild(el("div", "note", n)); });
      if (p.status === "conflict" && session.user) { li.appendChild(resolveForm(p)); }
      list.appendChild(li);
    });
  }

  function renderIncidents() {
    const list = $("incidents");
    list.replaceChildren();
    report.incidents.slice(-50).reverse().forEach((i) => {
      const where = i.station ? i.village + "/" + i.station + " " : "";
      list.appendChild(el("li", i.outcome === "rejected" ? "error" : "",
        i.at + " " + where + t(i.outcome) + ": " + i.source + " - " + i.reason));
    });
  }

  function renderVillages() {
    const box = $("villages");
    const q = $("filter").value.trim().toLowerCase();
    box.replaceChildren();
    report.villages.forEach((v) => {
      if (q && !(v.code + " " + v.name).toLowerCase().includes(q)) { return; }
      const card = el("div", "village");
      card.dataset.code = v.code;
      card.dataset.status = v.status.join(" ");
      card.appendChild(el("h3", "", v.name + " (" + v.code + ")"));
      const counted = v.stations.filter((s) => s.counted).length;
      card.appendChild(el("p", "status", v.status.map(t).join(", ") + " - TPS " + counted +
        "/" + v.stations.length));
      const top = Math.max(1, ...v.candidates.map((c) => c.votes));
      v.candidates.forEach((c) => {
        const row = el("div", "bar");
        const track = el("div", "track");
        const fill = el("div", "fill");
        fill.style.width = (100 * c.votes / top).toFixed(1) + "%";
        track.appendChild(fill);
        row.append(el("span", "", c.number + ". " + c.name), track, el("span", "", String(c.votes)));
        card.appendChild(row);
      });
      v.stations.filter((s) => s.paper_count).forEach((s) => {
        const pc = s.paper_count;
        const who = pc.user ? pc.official + " (" + pc.user + ")" : pc.official;
        card.appendChild(el("p", pc.matches ? "note paper" : "note paper error",
          s.code + ": " + t("paper_by") + " " + pc.records + " - " + who + ", " + pc.at));
      });
      if (v.winner !== null) {
        const w = v.candidates.find((c) => c.number === v.winner);
        card.appendChild(el("p", "winner", t("winner") + ": " + w.number + ". " + w.name));
      } else if (v.tie && v.status.join() === "complete") {
        card.appendChild(el("p", "winner", t("tie")));
      }
      box.appendChild(card);
    });
  }

  function renderAudit() {
    const list = $("audit");
    list.replaceChildren();
    audit.forEach((a) => {
      list.appendChild(el("li", a.outcome === "ok" ? "" : "error",
        a.at + " " + (a.user || "-") + " " + a.action + " " + a.outcome +
        (a.detail ? ": " + a.detail : "") + " [" + a.remote + "]"));
    });
  }

  function renderPaperForm() {
    $("paper-box").hidden = !session.user;
    const pick = $("paper-station");
    if (!report || pick.options.length) { return; }
    report.villages.forEach((v) => {
      v.stations.forEach((s) => {
        const o = el("option", "", v.code + " / " + s.code + " (" + v.name + ")");
        o.value = v.code + "\u0000" + s.code;
        pick.appendChild(o);
      });
    });
  }

  function renderSession() {
    $("login-form").hidden = Boolean(session.user);
    $("whoami").hidden = !session.user;
    $("who").textContent = session.user ? session.display + " (" + session.user + ")" : "";
  }

  function renderLive() {
    $("live").textContent = t(live);
    $("live").className = live === "live" ? "badge on" : "badge";
  }

  function render() {
    translateStatic();
    renderLive();
    renderSession();
    renderPaperForm();
    if (!report) { return; }
    renderSummary();
    renderProblems();
    renderIncidents();
    renderVillages();
    renderAudit();
  }

  async function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": session.csrf},
      body: JSON.stringify(body)});
  }

  async function refresh(version) {
    const [r, a] = await Promise.all([fetch("/api/v1/results"), fetch("/api/v1/audit")]);
    report = await r.json();
    audit = await a.json();
    render();
    document.body.dataset.version = String(version);
  }

  async function loadSession() {
    session = await (await fetch("/api/v1/session", {credentials: "same-origin"})).json();
    render();
  }

  function connect() {
    const source = new EventSource("/api/v1/events");
    source.addEventListener("update", (ev) => { refresh(JSON.parse(ev.data).version); });
    source.onopen = () => { live = "live"; renderLive(); };
    source.onerror = () => { live = "offline"; renderLive(); };
  }

  $("lang").addEventListener("change", () => {
    lang = $("lang").value;
    localStorage.setItem("sd-lang", lang);
    render();
  });
  $("filter").addEventListener("input", () => { if (report) { renderVillages(); } });
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const res = await post("/api/v1/login", {user: $("login-user").value,
                                             password: $("login-password").value});
    const body = await res.json();
    $("login-error").textContent = res.ok ? "" : body.error;
    $("login-password").value = "";
    if (res.ok) { session = body; render(); }
  });
  $("paper-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const [village, station] = $("paper-station").value.split("\u0000");
    const res = await post("/api/v1/paper-counts", {village: village, station: station,
      paper_records: Number($("paper-count").value)});
    const body = await res.json();
    $("paper-result").className = res.ok ? "ok" : "error";
    $("paper-result").textContent = res.ok ?
      t("paper_saved") + ": " + body.village + "/" + body.station + " " + body.paper_records :
      body.error;
  });
  $("logout").addEventListener("click", async () => {
    await post("/api/v1/logout", {});
    await loadSession();
  });
  translateStatic();
  loadSession().then(connect);
})();
