"""Synthetic voter lists for kiosk tests (until the provisioning fixtures carry one)."""

from __future__ import annotations

import random
from pathlib import Path

from ballotcore.rng import OS_RANDOM, RandomSource
from ballotcore.voterlist import Voter, VoterList
from kiosk.clock import FakeClock
from kiosk.devices import MemoryContentPrinter, MemoryScanner
from kiosk.engine import KioskEngine
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import ensure_installed, officer_pins

_FIRST = ("Ahmad", "Siti", "Budi", "Dewi", "Agus", "Sri", "Joko", "Rina", "Eko", "Wati",
          "Bambang", "Nur", "Hendra", "Ayu", "Rudi", "Lestari", "Yusuf", "Indah")
_LAST = ("Santoso", "Wahyuni", "Hidayat", "Rahmawati", "Saputra", "Kusuma", "Pratama",
         "Lestari", "Nugroho", "Wibowo", "Susanti", "Setiawan", "Handayani", "Gunawan")


def synthetic_voters(election_id: str, village: str, station: str, n: int,
                     seed: int = 15) -> VoterList:
    """`n` voters with distinct NIKs and plausible names (deterministic for `seed`)."""
    rnd = random.Random(seed)  # test data only: nothing secret comes from it
    voters = []
    niks: set[str] = set()
    for i in range(1, n + 1):
        nik = f"3201{rnd.randrange(10**12):012d}"
        while nik in niks:
            nik = f"3201{rnd.randrange(10**12):012d}"
        niks.add(nik)
        sex = "L" if rnd.random() < 0.5 else "P"
        name = f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}"
        voters.append(Voter(i, nik, name, sex, rnd.randrange(1950, 2008),  # type: ignore[arg-type]
                            rnd.randrange(1, 12), rnd.randrange(1, 6)))
    key = bytes(rnd.randrange(256) for _ in range(32))
    return VoterList(election_id, village, station, tuple(voters), key)


def voters_for(fx: ElectionFixture, n: int, seed: int = 15) -> VoterList:
    """A list for the station of package 0 of `fx`."""
    cert = fx.package(0).certificate
    return synthetic_voters(cert.election_id, cert.village, cert.station, n, seed)


def pollbook_engine(fx: ElectionFixture, data: Path, voters: VoterList,
                    printer: MemoryContentPrinter | None = None,
                    clock: FakeClock | None = None, rng: RandomSource = OS_RANDOM,
                    open_polls: bool = True) -> KioskEngine:
    """An installed engine on package 0 with `voters` handed in, logged in and (unless
    `open_polls` is False) ready with the polls open."""
    ensure_installed(fx, data)
    e = KioskEngine(fx.package_paths()[0], data,
                    printer=printer if printer is not None else MemoryContentPrinter(),
                    scanner=MemoryScanner(), clock=clock or FakeClock(),
                    expected_authority=fx.authority_id, rng=rng, voter_list=voters)
    pin = officer_pins(fx)[0]
    e.officer_login(pin)
    if open_polls:
        assert e.readiness().ok
        e.open_polls(pin)
    return e
