"""Test fixtures for every area: a small, complete, real election folder made quickly.

`make_election(tmp_path, villages=2)` runs the real `sample` and `create` code; the only
difference from production is the Argon2id cost (`PinKdf.testing()`), passed explicitly.
Never use this module outside tests and demos.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from ballotcore.package import PinKdf, StationPackage, load_package
from provisioning.create import PINS_FILE, ElectionSummary, create_election
from provisioning.sample import write_sample

TEST_PASSPHRASE = "uji-coba-rahasia"
DEFAULT_REGENCY = "Kabupaten Banyuasin"


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
) -> ElectionFixture:
    """Sample + create a small election under `tmp_path` with cheap (test-only) KDF cost."""
    tmp_path = Path(tmp_path)
    spec_dir = tmp_path / f"{name}-spec"
    write_sample(regency, spec_dir, villages=villages, seed=seed, date=date, photos=photos)
    summary = create_election(
        spec_dir, tmp_path / name, TEST_PASSPHRASE, kdf=PinKdf.testing(), workers=workers
    )
    pins = json.loads((summary.out_dir / PINS_FILE).read_text(encoding="utf-8"))
    return ElectionFixture(
        summary.out_dir, spec_dir, summary, TEST_PASSPHRASE, summary.authority_id, pins
    )
