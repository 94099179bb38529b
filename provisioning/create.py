"""`create`: from a spec to a complete election folder, atomically.

Everything is written into a hidden temporary sibling of the output folder, which is
renamed into place only when every file exists; on any failure the temporary folder is
removed, so an election folder is either complete or absent. Output layout (see
docs/PROVISIONING.md):

    election.json                      the signed public record
    authority.txt                      the authority key id (publish it)
    authority/authority-key.pem        the authority key, encrypted under the passphrase
    packages/<village>_<station>.sdpkg one package per polling station (copy to the USB stick)
    trustee-cards/<village>/           trustee-<i>.png, trustee-<i>.sdcard, cards.pdf
    pin-sheets/officers/<v>_<s>.pdf    officer PIN sheet per station (print, then delete)
    pin-sheets/trustees/<village>.pdf  trustee PIN sheet per village (print, then delete)
    secret/pins.json                   every PIN, machine readable, for demos and tests only
    personal-data/invitations/<v>_<s>.pdf  invitation letters of a station with a voter list
                                       (personal data: print for the PPS, then delete)
    summary.csv                        one row per station (dpt_male, dpt_female: counts of
                                       its voter list, empty without one; no personal data)

Work per village (PIN hashing, trustee cards, PDFs) runs in a process pool; the authority
key stays in the main process, which signs certificates, the public record and manifests.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.election import ElectionDefinition
from ballotcore.hashing import digest32
from ballotcore.package import MANIFEST_LABEL, PinKdf, file_hash, package_name
from ballotcore.public_record import (
    CERT_LABEL,
    RECORD_LABEL,
    KioskCertificate,
    VillageKey,
    build_public_record_body,
)
from ballotcore.signing import key_id, public_bytes, sign_record
from ballotcore.trustees import deal
from provisioning import authority
from provisioning.errors import ProvisionError
from provisioning.invitations import INVITATIONS_DIR, write_readme
from provisioning.spec import Spec, load_spec
from provisioning.village import (
    OFFICER_SHEETS_DIR,
    PACKAGES_DIR,
    TRUSTEE_SHEETS_DIR,
    StationTask,
    VillageResult,
    VillageTask,
    provision_village,
)

PINS_FILE = "secret/pins.json"
SUMMARY_FILE = "summary.csv"
PINS_WARNING = (
    "RAHASIA / SECRET. Every PIN of this election. For demonstrations and tests only: in a "
    "real election print the PIN sheets, then delete this folder."
)


@dataclass(frozen=True)
class StationSummary:
    village: str
    village_name: str
    district: str
    station: str
    dpt: int
    kiosk_id: str
    package: str  # path relative to the election folder
    # men and women on the station's voter list (None: no list, no poll book)
    dpt_male: int | None = None
    dpt_female: int | None = None


@dataclass(frozen=True)
class ElectionSummary:
    out_dir: Path
    election_id: str
    authority_id: str
    record_digest: str
    villages: int
    stations: tuple[StationSummary, ...]
    trustee_cards: int
    seconds: float


def _resolve(spec: Path | str | Spec | ElectionDefinition) -> Spec:
    if isinstance(spec, Spec):
        return spec
    if isinstance(spec, ElectionDefinition):
        import datetime as dt

        day = dt.date.fromisoformat(spec.date)
        return Spec(
            spec,
            {},
            (day - dt.timedelta(days=14)).isoformat(),
            (day + dt.timedelta(days=7)).isoformat(),
        )
    return load_spec(Path(spec))


def create_election(
    spec: Path | str | Spec | ElectionDefinition,
    out_dir: Path | str,
    passphrase: str,
    *,
    authority_key: Ed25519PrivateKey | None = None,
    kdf: PinKdf | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ElectionSummary:
    """Provision a whole election day into `out_dir` (must not exist); see module docstring.

    `kdf` None means the production Argon2id costs (`ballotcore.kdf.SECRETS`, one per kind
    of secret); tests pass `PinKdf.testing()` explicitly for both.
    `authority_key` reuses a regency's existing root key instead of creating one.
    """
    started = time.perf_counter()
    resolved = _resolve(spec)
    out = Path(out_dir)
    if out.exists():
        raise ProvisionError(f"{out} already exists; choose a new folder")
    authority.check_passphrase(passphrase)
    if not out.parent.is_dir():
        raise ProvisionError(f"{out.parent} does not exist")
    tmp = out.parent / f".{out.name}.tmp-{secrets.token_hex(4)}"
    tmp.mkdir()
    try:
        summary = _create(resolved, tmp, passphrase, authority_key, kdf, workers, progress)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dataclasses.replace(summary, out_dir=out, seconds=time.perf_counter() - started)


def _create(
    spec: Spec,
    root: Path,
    passphrase: str,
    auth_key: Ed25519PrivateKey | None,
    kdf: PinKdf | None,
    workers: int | None,
    progress: Callable[[int, int], None] | None,
) -> ElectionSummary:
    definition = spec.definition
    auth_key = auth_key or authority.new_authority_key()
    auth_pub = public_bytes(auth_key)
    auth_id = key_id(auth_pub)
    (root / "authority").mkdir()
    (root / authority.KEY_FILE).write_bytes(authority.encrypt_key(auth_key, passphrase))
    (root / authority.ID_FILE).write_text(auth_id + "\n", encoding="ascii")
    for d in (PACKAGES_DIR, OFFICER_SHEETS_DIR, TRUSTEE_SHEETS_DIR, "secret"):
        (root / d).mkdir(parents=True)
    if spec.voters:
        write_readme(root)
        (root / INVITATIONS_DIR).mkdir(parents=True)

    def_hash = definition.digest()
    village_keys: list[VillageKey] = []
    signed_certs = []
    partial: list[tuple[int, tuple, tuple[StationTask, ...]]] = []
    for vi, v in enumerate(definition.villages):
        ceremony = deal(len(v.trustees), v.threshold)
        village_keys.append(VillageKey(v.code, ceremony.commitments))
        stations: list[StationTask] = []
        for st in v.stations:
            kiosk = Ed25519PrivateKey.generate()
            pub = public_bytes(kiosk)
            cert = KioskCertificate(
                definition.election_id,
                def_hash,
                "kiosk-" + key_id(pub)[:12],
                v.code,
                st.code,
                pub,
                spec.valid_from,
                spec.valid_until,
            )
            signed = sign_record(auth_key, CERT_LABEL, cert.to_bytes())
            signed_certs.append(signed)
            stations.append(
                StationTask(st.code, kiosk.private_bytes_raw(), cert, signed.to_bytes())
            )
        partial.append((vi, ceremony.shares, tuple(stations)))

    body = build_public_record_body(definition, auth_pub, village_keys, signed_certs)
    record_bytes = sign_record(auth_key, RECORD_LABEL, body).to_bytes()
    (root / "election.json").write_bytes(record_bytes)
    # PublicRecord.digest() of the file; `verify` (and every kiosk) re-parses it in full.
    record_digest = digest32("public-record", record_bytes)
    kiosk_ids = {
        (t.certificate.village, t.certificate.station): t.certificate.kiosk_id
        for _, _, sts in partial
        for t in sts
    }

    header = dataclasses.replace(definition, villages=())
    tasks = [
        VillageTask(
            header,
            definition.villages[vi],
            root,
            record_digest,
            len(record_bytes),
            file_hash(record_bytes),
            shares,
            stations,
            {c.photo: spec.photos[c.photo] for c in definition.villages[vi].candidates if c.photo},
            kdf,
            {s: vs for (vc, s), vs in spec.voters.items() if vc == definition.villages[vi].code},
            spec.voting_hours,
            {s: p for (vc, s), p in spec.locations.items() if vc == definition.villages[vi].code},
        )
        for vi, shares, stations in partial
    ]
    partial.clear()
    results = _run(tasks, workers, progress)
    tasks.clear()

    rows: list[StationSummary] = []
    pins: dict[str, object] = {"warning": PINS_WARNING, "election_id": definition.election_id}
    officer_pins: dict[str, list[str]] = {}
    install_codes: dict[str, str] = {}
    unlock_codes: dict[str, list[str]] = {}
    trustee_pins: dict[str, dict[str, str]] = {}
    for v, res in zip(definition.villages, results, strict=True):
        trustee_pins[v.code] = {str(i): p for i, p in sorted(res.trustee_pins.items())}
        for st in v.stations:
            name = package_name(v.code, st.code)
            signed_manifest = sign_record(auth_key, MANIFEST_LABEL, res.manifests[st.code])
            (root / PACKAGES_DIR / name / "manifest.json").write_bytes(signed_manifest.to_bytes())
            officer_pins[f"{v.code}/{st.code}"] = res.officer_pins[st.code]
            install_codes[f"{v.code}/{st.code}"] = res.install_codes[st.code]
            unlock_codes[f"{v.code}/{st.code}"] = res.unlock_codes[st.code]
            rows.append(
                StationSummary(
                    v.code,
                    v.name,
                    v.district,
                    st.code,
                    st.dpt,
                    kiosk_ids[(v.code, st.code)],
                    f"{PACKAGES_DIR}/{name}",
                    res.voters_by_sex.get(st.code, {}).get("L"),
                    res.voters_by_sex.get(st.code, {}).get("P"),
                )
            )
    pins["officers"] = officer_pins
    pins["install_codes"] = install_codes
    pins["unlock_codes"] = unlock_codes
    pins["trustees"] = trustee_pins
    pins_path = root / PINS_FILE
    pins_path.write_text(json.dumps(pins, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chmod(pins_path, 0o600)
    _write_summary(root / SUMMARY_FILE, rows)
    return ElectionSummary(
        root,
        definition.election_id,
        auth_id,
        record_digest.hex(),
        len(definition.villages),
        tuple(rows),
        sum(len(v.trustees) for v in definition.villages),
        0.0,
    )


def _run(
    tasks: list[VillageTask], workers: int | None, progress: Callable[[int, int], None] | None
) -> list[VillageResult]:
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    results: list[VillageResult] = []
    if workers <= 1 or len(tasks) < 4:
        for task in tasks:
            results.append(provision_village(task))
            if progress:
                progress(len(results), len(tasks))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for res in pool.map(provision_village, tasks, chunksize=2):
            results.append(res)
            if progress:
                progress(len(results), len(tasks))
    return results


def _write_summary(path: Path, rows: list[StationSummary]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["village", "village_name", "district", "station", "dpt", "kiosk_id", "package",
                    "dpt_male", "dpt_female"])
        for r in rows:
            w.writerow([r.village, r.village_name, r.district, r.station, r.dpt, r.kiosk_id,
                        r.package, "" if r.dpt_male is None else r.dpt_male,
                        "" if r.dpt_female is None else r.dpt_female])
