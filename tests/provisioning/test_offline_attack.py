"""Offline attacks on a freshly provisioned election (production KDF costs), as a thief
with a copied USB stick or a photographed trustee card would run them.

Each attack runs within a small budget of guesses and must find nothing; a positive
control runs the same attack with the right secret among the candidates and must succeed
(so "nothing found" means the secret is out of reach, not that the attack is broken).
Each attack also measures its per-guess cost on this machine and checks that the whole
secret space at that cost is at least what docs/SECURITY.md promises.
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import zxingcpp
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from PIL import Image

from ballotcore.codes import ALPHABET, new_code
from ballotcore.credentials import INSTALL_PURPOSE, UNLOCK_PURPOSE, _aad
from ballotcore.kdf import SECRETS, derive_pin_keys, expected_core_years
from ballotcore.package import StationPackage, load_package, open_installation
from ballotcore.pins import new_pin
from ballotcore.trustee_card import PURPOSE, TrusteeCard, parse_trustee_card
from ballotcore.trustee_card import _aad as card_aad
from provisioning.create import PINS_FILE, create_election
from provisioning.sample import write_sample
from provisioning.testing import DEFAULT_REGENCY, TEST_PASSPHRASE
from tests.secretscan import holds_secret

#: What docs/SECURITY.md promises (expected single-core years for the whole search).
MIN_CARD_CORE_YEARS = 1_000
MIN_CODE_CORE_YEARS = 1e12


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, StationPackage]:
    root = tmp_path_factory.mktemp("attack")
    write_sample(DEFAULT_REGENCY, root / "spec", villages=1, seed=5)
    summary = create_election(root / "spec", root / "election", TEST_PASSPHRASE, workers=1)
    pins = json.loads((summary.out_dir / PINS_FILE).read_text(encoding="utf-8"))
    package = load_package(next((summary.out_dir / "packages").iterdir()), summary.authority_id)
    return summary.out_dir, pins, package


def _attack(candidates: list[str], try_one: Callable[[str], bool]) -> tuple[list[str], float]:
    """(candidates that opened something, seconds per guess)."""
    start = time.process_time()
    hits = [c for c in candidates if try_one(c)]
    return hits, (time.process_time() - start) / len(candidates)


def _install_try(package: StationPackage) -> Callable[[str], bool]:
    creds = package.credentials

    def try_one(guess: str) -> bool:
        normal = guess.replace("-", "")
        _, key = derive_pin_keys(normal, creds.install_salt, creds.install_kdf, INSTALL_PURPOSE)
        try:
            AESGCM(key).decrypt(creds.install_nonce, creds.sealed, _aad(package.certificate))
        except InvalidTag:
            return False
        return True

    return try_one


def _unlock_try(package: StationPackage) -> Callable[[str], bool]:
    creds = package.credentials

    def try_one(guess: str) -> bool:
        v, _ = derive_pin_keys(guess.replace("-", ""), creds.unlock_salt, creds.unlock_kdf,
                               UNLOCK_PURPOSE)
        return any(hmac.compare_digest(v, w) for w in creds.unlock_verifiers)

    return try_one


def test_package_alone_gives_only_the_80_bit_code(production: tuple[Path, dict, StationPackage]) -> None:
    root, pins, package = production
    assert package.credentials.install_kdf == SECRETS["install-code"].kdf
    key = f"{package.village.code}/{package.station.code}"
    real = pins["install_codes"][key]
    hits, per_guess = _attack([new_code() for _ in range(30)], _install_try(package))
    assert hits == []
    control, _ = _attack([new_code(), real, new_code()], _install_try(package))
    assert control == [real]  # positive control: the attack works with the right code
    spec = SECRETS["install-code"]
    assert spec.bits >= 80 and len(ALPHABET) ** 16 == spec.space
    assert per_guess > 0.001  # a real memory-hard derivation, not a hash
    assert expected_core_years(spec.space, per_guess) >= MIN_CODE_CORE_YEARS


def test_package_and_1000_candidate_pins_give_nothing(
    production: tuple[Path, dict, StationPackage],
) -> None:
    """The officer's 6-digit PIN is among 1,000 candidates: nothing on the stick tests it."""
    _, pins, package = production
    real = pins["officers"][f"{package.village.code}/{package.station.code}"]
    pool = set(real)
    while len(pool) < 1000:
        pool.add(new_pin())
    candidates = sorted(pool)
    assert set(real) <= set(candidates) and len(candidates) == 1000
    hits, per_install = _attack(candidates, _install_try(package))
    assert hits == []
    hits, per_unlock = _attack(candidates, _unlock_try(package))
    assert hits == []
    # the only other secret-derived values in the package are the unlock verifiers, and a
    # real unlock code does match them (positive control)
    code = pins["unlock_codes"][f"{package.village.code}/{package.station.code}"][0]
    assert _unlock_try(package)(code)
    raw = b"".join(p.read_bytes() for p in package.path.rglob("*") if p.is_file())
    assert not any(holds_secret(raw, pin) for pin in real)
    assert holds_secret(raw + f'"{real[0]}"'.encode(), real[0])  # positive control of the scan
    assert per_install > 0.001 and per_unlock > 0.001


def _card_from_photo(path: Path) -> TrusteeCard:
    found = zxingcpp.read_barcodes(Image.open(path), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return parse_trustee_card(found[0].bytes)


def test_photographed_trustee_card_costs_1000_core_years(
    production: tuple[Path, dict, StationPackage],
) -> None:
    root, pins, package = production
    village = package.village.code
    card = _card_from_photo(root / "trustee-cards" / village / "trustee-1.png")
    assert card.kdf == SECRETS[PURPOSE].kdf

    def try_one(guess: str) -> bool:
        _, key = derive_pin_keys(guess, card.salt, card.kdf, PURPOSE)
        try:
            AESGCM(key).decrypt(card.nonce, card.sealed, card_aad(card.election_id, card.village,
                                                                  card.index))
        except InvalidTag:
            return False
        return True

    digits = SECRETS[PURPOSE].length
    guesses = ["".join(secrets.choice("0123456789") for _ in range(digits)) for _ in range(12)]
    hits, per_guess = _attack(guesses, try_one)
    assert hits == []
    real = pins["trustees"][village]["1"]
    assert _attack([guesses[0], real], try_one)[0] == [real]  # positive control
    years = expected_core_years(SECRETS[PURPOSE].space, per_guess)
    assert years >= MIN_CARD_CORE_YEARS, (per_guess, years)
    assert per_guess > 0.01  # 32 MiB of Argon2id: tens of milliseconds, not microseconds


def test_provisioned_parameters_are_the_documented_ones(
    production: tuple[Path, dict, StationPackage],
) -> None:
    """The package, the sealed installation secret and every card use the parameters
    docs/SECURITY.md states (parsed from the doc, not from the module)."""
    from tests.provisioning.test_docs_secrets import documented

    doc = documented("SECURITY.md")
    root, pins, package = production
    creds = package.credentials
    assert creds.install_kdf == doc["install-code"]["kdf"]
    assert creds.unlock_kdf == doc["unlock-code"]["kdf"]
    opened = open_installation(
        package, pins["install_codes"][f"{package.village.code}/{package.station.code}"]
    )
    assert opened.pin_kdf == doc["officer-pin"]["kdf"]
    cards = sorted((root / "trustee-cards").rglob("*.sdcard"))
    assert cards
    for path in cards:
        card = parse_trustee_card(path.read_bytes())
        assert card.kdf == doc["trustee-card"]["kdf"]
    village = package.village.code
    assert all(len(p) == 14 for p in pins["trustees"][village].values())
