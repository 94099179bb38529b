"""Shared fixtures: one small real election (3 villages, photos) made once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from provisioning.testing import ElectionFixture, make_election


@pytest.fixture(scope="session")
def election(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    return make_election(tmp_path_factory.mktemp("prov"), villages=3, seed=11, photos=True)


@pytest.fixture(scope="session")
def listed(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    """A small election whose every station has a voter list (20..40 voters)."""
    return make_election(tmp_path_factory.mktemp("pollbook"), villages=2, seed=5,
                         voter_lists=True)


@pytest.fixture()
def passphrase_env(monkeypatch: pytest.MonkeyPatch, election: ElectionFixture) -> str:
    monkeypatch.setenv("SUARADESA_AUTHORITY_PASSPHRASE", election.passphrase)
    return election.passphrase


def copy_tree(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst
