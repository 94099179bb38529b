"""requirements.lock agrees with setup.cfg, and each machine's extra pulls in only its own.

scripts/test and scripts/demo install every third-party package from requirements.lock
(`pip install --require-hashes`); setup.cfg says what each machine needs. These tests fail
when the two drift apart (run scripts/lock after editing setup.cfg), when rbcl is not
pinned exactly as locked, and when the tally extra's dependency closure reaches Kivy.
"""

from __future__ import annotations

import configparser
import importlib.metadata as md
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def parse_lock(text: str) -> dict[str, tuple[str, list[str]]]:
    """Canonical name -> (pinned version, hashes) for every entry of a hashed lock file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=\S)", text):
        match = _PIN.match(block)
        if match:
            hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
            entries[canonicalize_name(match[1])] = (match[2], hashes)
    return entries


def _setup_cfg() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(inline_comment_prefixes=None)
    parser.read(ROOT / "setup.cfg")
    return parser


def _lines(value: str) -> list[str]:
    return [ln.strip() for ln in value.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def declared() -> tuple[list[Requirement], dict[str, list[Requirement]]]:
    """setup.cfg's install_requires and its extras, as parsed requirements."""
    cfg = _setup_cfg()
    core = [Requirement(r) for r in _lines(cfg["options"]["install_requires"])]
    extras = {
        name: [Requirement(r) for r in _lines(value)]
        for name, value in cfg["options.extras_require"].items()
    }
    return core, extras


LOCKED = parse_lock(LOCK.read_text())


def test_lock_parser_reads_pins_and_hashes() -> None:
    sample = "a-b==1.0 \\\n    --hash=sha256:" + "0" * 64 + "\n    # via x\nc==2 \\\n"
    sample += "    --hash=sha256:" + "1" * 64 + " \\\n    --hash=sha256:" + "2" * 64 + "\n"
    assert parse_lock(sample) == {"a-b": ("1.0", ["0" * 64]), "c": ("2", ["1" * 64, "2" * 64])}


def test_every_locked_package_has_hashes() -> None:
    assert len(LOCKED) > 20
    for name, (_, hashes) in LOCKED.items():
        assert hashes, f"{name} has no hash in requirements.lock"


def test_scripts_lock_covers_every_extra() -> None:
    """scripts/test installs the whole lock, so the lock must resolve every extra."""
    _, extras = declared()
    script = (ROOT / "scripts" / "lock").read_text()
    for name in extras:
        assert f"--extra {name}" in script, f"scripts/lock does not lock the [{name}] extra"


def _problems(requirements: Iterable[Requirement], locked: dict[str, tuple[str, list[str]]]) -> list[str]:
    problems = []
    for req in requirements:
        pin = locked.get(canonicalize_name(req.name))
        if pin is None:
            problems.append(f"{req} is not in the lock")
        elif not req.specifier.contains(pin[0], prereleases=True):
            problems.append(f"{req} is not satisfied by the locked {req.name}=={pin[0]}")
        for extra in req.extras:  # e.g. dask[distributed]: the extra's packages are locked
            for sub in md.requires(req.name) or []:
                sub_req = Requirement(sub)
                if sub_req.marker and sub_req.marker.evaluate({**default_environment(), "extra": extra}):
                    if canonicalize_name(sub_req.name) not in locked:
                        problems.append(f"{req}: {sub_req.name} is not in the lock")
    return problems


def test_every_declared_requirement_is_satisfied_by_the_lock() -> None:
    core, extras = declared()
    everything = core + [req for reqs in extras.values() for req in reqs]
    assert _problems(everything, LOCKED) == []


def test_the_check_catches_a_disagreement() -> None:
    """Positive control: a requirement the lock does not satisfy is reported."""
    assert _problems([Requirement("click>=999")], LOCKED)
    assert _problems([Requirement("no-such-package>=1")], LOCKED)


def test_rbcl_is_pinned_exactly_and_identically() -> None:
    core, _ = declared()
    (rbcl,) = [req for req in core if canonicalize_name(req.name) == "rbcl"]
    assert str(rbcl.specifier) == f"=={LOCKED['rbcl'][0]}"


def test_build_requirements_match_pyproject_and_are_locked() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    build = sorted(pyproject["build-system"]["requires"])
    listed = sorted(_lines((ROOT / "scripts" / "build-requirements.in").read_text()))
    assert listed == build
    assert _problems([Requirement(r) for r in build], LOCKED) == []


def closure(extras: Iterable[str]) -> set[str]:
    """Canonical names of everything `pip install suaradesa[extras]` installs.

    Walked over the installed distributions' metadata, each checked to be the version the
    lock pins, so this is the closure within the lock.
    """
    seen: set[str] = set()
    todo: list[tuple[str, frozenset[str]]] = [("suaradesa", frozenset(extras))]
    while todo:
        name, wanted = todo.pop()
        key = canonicalize_name(name)
        if key != "suaradesa":
            assert md.version(name) == LOCKED[key][0], f"{name} is not the locked version"
        seen.add(key)
        for line in md.requires(name) or []:
            req = Requirement(line)
            envs = [{**default_environment(), "extra": e} for e in (wanted or {""})]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                sub = canonicalize_name(req.name)
                if sub not in seen or req.extras:
                    todo.append((sub, frozenset(req.extras)))
    return seen - {"suaradesa"}


def test_tally_and_provisioning_machines_install_no_kivy() -> None:
    for extra in ("tally", "provision"):
        packages = closure([extra])
        assert not {"kivy", "sqlcipher3", "pyserial"} & packages, (extra, packages)
        assert packages <= set(LOCKED)
    assert "fpdf2" in closure(["tally"]) and "zxing-cpp" in closure(["tally"])


def test_the_closure_finds_kivy_where_it_belongs() -> None:
    """Positive control: the same walk finds Kivy (and its own dependencies) for a kiosk."""
    packages = closure(["kiosk"])
    assert {"kivy", "sqlcipher3", "pyserial", "kivy-garden"} <= packages


def test_core_install_is_small() -> None:
    assert {"cryptography", "rbcl", "click"} <= closure([])
    assert not {"kivy", "pillow", "fpdf2", "dask"} & closure([])


@pytest.mark.parametrize("extra", ["kiosk", "tally", "provision", "dask", "demo", "dev"])
def test_each_extra_is_declared(extra: str) -> None:
    _, extras = declared()
    assert extras.get(extra), f"setup.cfg has no [{extra}] extra"
