"""Shared helpers for the kiosk tests: custom elections, engines, raw page decryption."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from ballotcore.package import PinKdf, load_package
from ballotcore.rng import OS_RANDOM, RandomSource
from kiosk import device
from kiosk.clock import Clock, FakeClock
from kiosk.devices import MemoryContentPrinter, MemoryScanner
from kiosk.engine import KioskEngine
from provisioning.create import PINS_FILE, create_election
from provisioning.sample import write_sample
from provisioning.testing import DEFAULT_REGENCY, TEST_PASSPHRASE, ElectionFixture


def custom_election(
    root: Path, candidates: Sequence[str], dpt: int, seed: int = 7, threshold: int = 3,
    bulletin_board: str | None = None, time_zone: str | None = None,
) -> ElectionFixture:
    """A one-village, one-station election with the given candidate names and DPT (and,
    if given, the village's bulletin board and the election's time zone)."""
    spec = Path(root) / "spec"
    write_sample(DEFAULT_REGENCY, spec, villages=1, seed=seed, threshold=threshold)
    with open(spec / "villages.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    village = rows[0]["code"]
    if bulletin_board is not None:
        with open(spec / "villages.csv", "w", newline="", encoding="utf-8") as fh:
            out = csv.DictWriter(fh, [*rows[0].keys(), "bulletin_board"])
            out.writeheader()
            out.writerows({**row, "bulletin_board": bulletin_board} for row in rows)
    if time_zone is not None:  # replaces the sample's own zone (Banyuasin: WIB)
        settings = spec / "settings.toml"
        lines = [line for line in settings.read_text(encoding="utf-8").splitlines()
                 if not line.startswith("time_zone")]
        settings.write_text("\n".join([*lines, f'time_zone = "{time_zone}"']) + "\n",
                            encoding="utf-8")
    with open(spec / "candidates.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["village", "number", "name", "photo"])
        for i, name in enumerate(candidates, start=1):
            w.writerow([village, i, name, ""])
    with open(spec / "stations.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["village", "station", "dpt"], [village, "TPS-01", dpt]])
    summary = create_election(spec, Path(root) / "election", TEST_PASSPHRASE, kdf=PinKdf.testing())
    pins = json.loads((summary.out_dir / PINS_FILE).read_text(encoding="utf-8"))
    return ElectionFixture(summary.out_dir, spec, summary, TEST_PASSPHRASE, summary.authority_id, pins)


def ensure_installed(fx: ElectionFixture, data: Path, index: int = 0) -> None:
    """Install package `index` on the kiosk whose data folder is `data` (if not yet),
    with its installation code, as an officer does once before election day."""
    package = load_package(fx.package_paths()[index], fx.authority_id)
    device_dir = device.default_device_dir(Path(data))
    if device.load_installation(device_dir, package) is None:
        Path(data).mkdir(parents=True, exist_ok=True)
        device.install(
            device_dir, package, fx.install_code(package.village.code, package.station.code)
        )


def engine_for(
    fx: ElectionFixture,
    data: Path,
    clock: Clock | None = None,
    printer: MemoryContentPrinter | None = None,
    scanner: MemoryScanner | None = None,
    rng: RandomSource = OS_RANDOM,
    install: bool = True,
) -> KioskEngine:
    """An engine on package 0 (installed on this kiosk first unless `install` is False)."""
    if install:
        ensure_installed(fx, data)
    return KioskEngine(
        fx.package_paths()[0],
        data,
        printer=printer if printer is not None else MemoryContentPrinter(),
        scanner=scanner if scanner is not None else MemoryScanner(),
        clock=clock or FakeClock(),
        expected_authority=fx.authority_id,
        rng=rng,
    )


def officer_pins(fx: ElectionFixture) -> list[str]:
    pkg = fx.package(0)
    return fx.officer_pins(pkg.village.code, pkg.station.code)


def open_engine(fx: ElectionFixture, data: Path, **kw: object) -> KioskEngine:
    """An engine logged in, ready and with polls open."""
    e = engine_for(fx, data, **kw)  # type: ignore[arg-type]
    pin = officer_pins(fx)[0]
    e.officer_login(pin)
    assert e.readiness().ok
    e.open_polls(pin)
    return e


def vote(e: KioskEngine, pin: str, number: int, confirm: bool = True) -> str:
    e.activate_ballot(pin)
    e.select(number)
    e.review()
    receipt = e.cast()
    if confirm:
        e.confirm_cast()
    return receipt.tracking_code


def add_trustees(e: KioskEngine, fx: ElectionFixture, indexes: Sequence[int]) -> None:
    village = e.village.code
    for i in indexes:
        e.add_trustee(fx.trustee_card_path(village, i).read_bytes(), fx.trustee_pin(village, i))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman rank correlation (no ties expected)."""
    def ranks(v: Sequence[float]) -> list[float]:
        order = sorted(range(len(v)), key=lambda i: v[i])
        r = [0.0] * len(v)
        for rank, i in enumerate(order):
            r[i] = float(rank)
        return r

    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy)


def decrypt_pages(db_file: Path, key: bytes, page_size: int = 4096, reserve: int = 80) -> list[bytes]:
    """Decrypt every page of a SQLCipher 4 file (raw key) the way an attacker holding the
    key would: AES-256-CBC, the IV stored in each page's reserved tail."""
    raw = Path(db_file).read_bytes()
    pages = []
    for n in range(len(raw) // page_size):
        page = raw[n * page_size : (n + 1) * page_size]
        start = 16 if n == 0 else 0
        iv = page[page_size - reserve : page_size - reserve + 16]
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        body = dec.update(page[start : page_size - reserve]) + dec.finalize()
        pages.append(bytes(start) + body)
    return pages
