"""Installation with the one-time code, and PIN lock-out recovery with unlock codes."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest

from ballotcore.codes import ALPHABET, new_code, normalize_code
from ballotcore.errors import CodeFormatError
from kiosk import device
from kiosk.clock import FakeClock
from kiosk.engine import KioskEngine
from kiosk.errors import (
    InstallRefused,
    NotInstalled,
    PinLockedOut,
    PinRejected,
    PinWait,
    UnlockRefused,
)
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import custom_election, engine_for, officer_pins


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    """Another election: its codes are foreign to election3's package."""
    return custom_election(tmp_path_factory.mktemp("other"), ["Dewi", "Eko"], 50, seed=9)


def _codes(fx: ElectionFixture) -> tuple[str, list[str]]:
    pkg = fx.package(0)
    return (fx.install_code(pkg.village.code, pkg.station.code),
            fx.unlock_codes(pkg.village.code, pkg.station.code))


def _mistyped(code: str) -> str:
    """`code` with its fourth symbol mistyped so that the check symbol catches it.

    The check catches 31 in 32 single-symbol errors: a fixed replacement left the
    test failing 1 run in 32 (refused as "wrong" after the key derivation instead)."""
    for c in ALPHABET:
        bad = code[:3] + c + code[4:]
        try:
            normalize_code(bad)
        except CodeFormatError:
            return bad
    raise AssertionError(f"no mistyping of {code} is caught")  # check symbol broken


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            if p.is_file() else "dir" for p in sorted(folder.rglob("*"))}


def test_install_refusals_change_nothing(
    election3: ElectionFixture, other: ElectionFixture, data_dir: Path
) -> None:
    e = engine_for(election3, data_dir, install=False)
    assert not e.status().installed
    with pytest.raises(NotInstalled):
        e.officer_login(officer_pins(election3)[0])
    code, _ = _codes(election3)
    foreign, _ = _codes(other)
    before = _snapshot(data_dir)
    garbled = _mistyped(code)
    for bad, reason in ((foreign, "wrong"), (garbled, "garbled"), ("1234", "garbled"),
                        (code.replace("-", "") + "Q", "garbled")):
        with pytest.raises(InstallRefused) as refused:
            e.install(bad)
        assert refused.value.reason == reason
        assert "tidak ada yang diubah" in refused.value.indonesian
        assert "nothing was changed" in refused.value.english
        assert _snapshot(data_dir) == before
    e.install(code.lower())  # forgiving reading: case, hyphens
    assert e.status().installed
    installed = _snapshot(data_dir)
    assert installed != before  # positive control of the snapshot
    with pytest.raises(InstallRefused) as again:
        engine_for(election3, data_dir, install=False).install(code)
    assert again.value.reason == "reused" and _snapshot(data_dir) == installed
    dev = device.default_device_dir(data_dir)
    assert stat.S_IMODE(dev.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in dev.iterdir())
    e.officer_login(officer_pins(election3)[1])
    assert "kiosk.installed" in [x["event"] for x in e.event_log()]
    # the PIN verifiers are on the kiosk only: nothing in the package names them
    pkg_bytes = b"".join(p.read_bytes() for p in election3.package_paths()[0].rglob("*")
                         if p.is_file())
    record = next(dev.glob("install-*.json")).read_bytes()
    assert b"verifier" in record and b"verifier" in pkg_bytes  # unlock verifiers only
    assert not any(line in pkg_bytes for line in record.split(b'"')[1::2] if len(line) == 64)


def test_installed_package_is_refused_with_a_second_code(
    election3: ElectionFixture, data_dir: Path
) -> None:
    engine_for(election3, data_dir)  # installs
    with pytest.raises(InstallRefused) as refused:
        engine_for(election3, data_dir, install=False).install(new_code())
    assert refused.value.reason == "installed"


def _lock_out(e: KioskEngine, clock: FakeClock, wrong: str) -> None:
    for n in range(1, 15):
        with pytest.raises(PinRejected) as exc:
            e.officer_login(wrong)
        assert exc.value.remaining == max(0, 5 - n)
        assert e.status().pin_tries_before_wait == max(0, 5 - n)
        if n >= 5:
            assert e.status().pin_wait_seconds > 0
            clock.advance(15 * 2 ** (n - 4))
    with pytest.raises(PinLockedOut) as locked:
        e.officer_login(wrong)
    assert "permanen" in locked.value.indonesian and "unlock code" in locked.value.english


def test_lockout_recovery_with_one_time_unlock_codes(
    election3: ElectionFixture, other: ElectionFixture, data_dir: Path
) -> None:
    clock = FakeClock()
    good = officer_pins(election3)[0]
    wrong = "000000" if good != "000000" else "111111"
    _, unlock = _codes(election3)
    _, foreign = _codes(other)
    e = engine_for(election3, data_dir, clock=clock)
    e.officer_login(good)
    with pytest.raises(UnlockRefused) as early:
        e.unlock_pins(unlock[0])
    assert early.value.reason == "not-locked"  # a code is not wasted on an unlocked kiosk
    _lock_out(e, clock, wrong)
    for bad, reason in ((foreign[0], "foreign"), ("ABCD", "garbled")):
        with pytest.raises(UnlockRefused) as refused:
            e.unlock_pins(bad)
        assert refused.value.reason == reason
    with pytest.raises(PinLockedOut):
        e.officer_login(good)
    e.unlock_pins(unlock[1])
    assert not e.status().pin_locked and e.status().pin_failures == 0
    e.officer_login(good)
    _lock_out(e, clock, wrong)
    with pytest.raises(UnlockRefused) as used:  # each code once, across restarts too
        engine_for(election3, data_dir, clock=clock).unlock_pins(unlock[1])
    assert used.value.reason == "used"
    e = engine_for(election3, data_dir, clock=clock)
    e.unlock_pins(unlock[2])
    e.officer_login(good)
    events = e.event_log()
    unlocked = [x["detail"] for x in events if x["event"] == "officer.pin_unlocked"]
    refused_log = [x["detail"]["reason"] for x in events if x["event"] == "officer.unlock_refused"]
    assert unlocked == [{"code": 2}, {"code": 3}]
    assert refused_log == ["not-locked", "foreign", "garbled", "used"]
    assert not any(c in str(events) for c in unlock)


def test_wait_is_reported_and_unlock_lifts_it(election3: ElectionFixture, data_dir: Path) -> None:
    clock = FakeClock()
    good = officer_pins(election3)[0]
    wrong = "000000" if good != "000000" else "111111"
    _, unlock = _codes(election3)
    e = engine_for(election3, data_dir, clock=clock)
    for _ in range(5):
        with pytest.raises(PinRejected):
            e.officer_login(wrong)
    with pytest.raises(PinWait) as wait:
        e.officer_login(good)
    assert 14 < wait.value.seconds <= 15 and 14 < e.status().pin_wait_seconds <= 15
    clock.advance(5)
    assert 9 < e.status().pin_wait_seconds <= 10  # the countdown the screen shows
    e.unlock_pins(unlock[0])
    assert e.status().pin_wait_seconds == 0
    e.officer_login(good)
