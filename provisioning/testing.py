"""Test fixtures for every area: a small, complete, real election folder made quickly.

`make_election(tmp_path, villages=2)` runs the real `sample` and `create` code; the only
difference from production is the Argon2id cost (`PinKdf.testing()`), passed explicitly.
`make_election(..., voter_lists=True)` also gives every station a synthetic voter list of
`dpt_range` voters (a few dozen by default, so fixtures stay fast): its package then holds
the sealed list, and `voters()` / `voter_list()` give it back to a test.
Never use this module outside tests and demos.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ballotcore.package import (
    PinKdf,
    StationPackage,
    load_package,
    open_installation,
    package_name,
)
from ballotcore.voterlist import Voter, VoterList, open_voter_list
from provisioning.create import PINS_FILE, ElectionSummary, create_election
from provisioning.sample import write_sample
from provisioning.spec import load_spec

TEST_PASSPHRASE = "uji-coba-rahasia"
DEFAULT_REGENCY = "Kabupaten Banyuasin"
FIXTURE_DPT = (20, 40)  # voters per station when a fixture has voter lists


@dataclass(frozen=True)
class ElectionFixture:
    """A provisioned election folder and everything a test needs to play its people."""

    root: Path  # the election folder
    spec_dir: Path
    summary: ElectionSummary
    passphrase: str
    authority_id: str
    pins: dict  # secret/pins.json: {"officers": {"<village>/<station>": [pin, pin]},
    #                                 "trustees": {"<village>": {"1": pin, ...}}}

    @property
    def election_json(self) -> Path:
        return self.root / "election.json"

    def package_paths(self) -> list[Path]:
        return sorted((self.root / "packages").iterdir())

    def package(self, index: int = 0) -> StationPackage:
        return load_package(self.package_paths()[index], self.authority_id)

    def officer_pins(self, village: str, station: str) -> list[str]:
        return list(self.pins["officers"][f"{village}/{station}"])

    def install_code(self, village: str, station: str) -> str:
        """The station's installation code (printed on its sealed officer sheet)."""
        return str(self.pins["install_codes"][f"{village}/{station}"])

    def unlock_codes(self, village: str, station: str) -> list[str]:
        """The station's one-time PIN unlock codes."""
        return [str(c) for c in self.pins["unlock_codes"][f"{village}/{station}"]]

    def trustee_pin(self, village: str, index: int) -> str:
        return str(self.pins["trustees"][village][str(index)])

    def trustee_card_path(self, village: str, index: int) -> Path:
        return self.root / "trustee-cards" / village / f"trustee-{index}.sdcard"

    def station_package(self, village: str, station: str) -> StationPackage:
        """The verified package of one station."""
        return load_package(self.root / "packages" / package_name(village, station),
                            self.authority_id)

    def voters(self, village: str, station: str) -> tuple[Voter, ...]:
        """The station's voters as the spec lists them (empty: the station has no list)."""
        return load_spec(self.spec_dir).voters.get((village, station), ())

    def voter_list(self, village: str, station: str) -> VoterList:
        """The station's voter list as its kiosk opens it: the kiosk key from the package's
        installation code, then the sealed list (VoterListError-free or the test fails)."""
        pkg = self.station_package(village, station)
        if pkg.sealed_voters is None:
            raise LookupError(f"{village}/{station} has no voter list")
        key = open_installation(pkg, self.install_code(village, station)).kiosk_key
        return open_voter_list(pkg.sealed_voters, key, pkg.certificate.election_id,
                               village, station)


def make_election(
    tmp_path: Path,
    villages: int = 2,
    seed: int = 7,
    *,
    date: dt.date | None = None,
    photos: bool = False,
    regency: str = DEFAULT_REGENCY,
    name: str = "election",
    workers: int = 1,
    voter_lists: bool = False,
    dpt_range: tuple[int, int] = FIXTURE_DPT,
) -> ElectionFixture:
    """Sample + create a small election under `tmp_path` with cheap (test-only) KDF cost.

    `voter_lists`: every station gets a list of `dpt_range` voters (its DPT), a sealed
    list in its package and an invitation PDF; without it the DPTs are 300..3,000 and no
    station has a poll book (the fixtures every other test has used)."""
    tmp_path = Path(tmp_path)
    spec_dir = tmp_path / f"{name}-spec"
    write_sample(regency, spec_dir, villages=villages, seed=seed, date=date, photos=photos,
                 voters=voter_lists, dpt_range=dpt_range if voter_lists else None)
    summary = create_election(
        spec_dir, tmp_path / name, TEST_PASSPHRASE, kdf=PinKdf.testing(), workers=workers
    )
    pins = json.loads((summary.out_dir / PINS_FILE).read_text(encoding="utf-8"))
    return ElectionFixture(
        summary.out_dir, spec_dir, summary, TEST_PASSPHRASE, summary.authority_id, pins
    )
