"""Fixtures: provisioned elections (real provisioning code, test-only KDF cost)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import custom_election

BULLETIN_BOARD = "Papan pengumuman Balai Desa, Jl. Merdeka 1"


@pytest.fixture(scope="session")
def election3(tmp_path_factory: pytest.TempPathFactory) -> ElectionFixture:
    """Three candidates, DPT 400, 5 trustees with k = 3, a named bulletin board, WIB."""
    return custom_election(tmp_path_factory.mktemp("e3"), ["Ani", "Budi", "Citra"], 400,
                           bulletin_board=BULLETIN_BOARD, time_zone="WIB")


@pytest.fixture
def data_dir(fast_dir: Callable[[str], Path]) -> Path:
    """An engine data folder on tmpfs, removed after the test."""
    return fast_dir("kiosk-data-")
