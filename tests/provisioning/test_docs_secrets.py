"""docs/SECURITY.md and docs/PROVISIONING.md state the same secrets, parameters and costs
as `ballotcore.kdf.SECRETS` (the "Secrets and their cost" tables)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ballotcore.kdf import SECRETS, PinKdf, expected_core_years

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(
    r"^\| `(?P<name>[a-z-]+)` \| [^|]+ \| (?P<base>\d+)\^(?P<exp>\d+)[^|]* \| "
    r"m=(?P<m>\d+) KiB, t=(?P<t>\d+), p=(?P<p>\d+) \| (?P<ms>[\d.]+) ms \| (?P<cost>[^|]+) \|$"
)
UNITS = {"core-years": 1.0, "core-hours": 1 / (365.25 * 24)}


def documented(doc: str) -> dict[str, dict[str, object]]:
    """The rows of a doc's secrets table: name -> space, kdf, guess ms, stated cost."""
    rows: dict[str, dict[str, object]] = {}
    for line in (ROOT / "docs" / doc).read_text(encoding="utf-8").splitlines():
        m = ROW.match(line.strip())
        if m is None:
            continue
        cost = re.search(r"([\d.e+]+) (core-years|core-hours)", m["cost"])
        assert cost is not None, line
        rows[m["name"]] = {
            "space": int(m["base"]) ** int(m["exp"]),
            "kdf": PinKdf(int(m["m"]), int(m["t"]), int(m["p"])),
            "ms": float(m["ms"]),
            "years": float(cost[1]) * UNITS[cost[2]],
        }
    return rows


def test_the_parser_reads_rows() -> None:
    row = "| `x-y` | w | 10^6 | m=64 KiB, t=1, p=1 | 5 ms | 2 core-hours |"
    assert ROW.match(row) is not None and ROW.match(row.replace("KiB", "MiB")) is None


@pytest.mark.parametrize("doc", ["SECURITY.md", "PROVISIONING.md"])
def test_docs_state_the_secrets_table(doc: str) -> None:
    rows = documented(doc)
    assert set(rows) == set(SECRETS)
    for name, spec in SECRETS.items():
        row = rows[name]
        assert row["space"] == spec.space, name
        assert row["kdf"] == spec.kdf, name
        assert row["ms"] == spec.guess_ms, name
        stated = float(row["years"])  # type: ignore[arg-type]
        computed = expected_core_years(spec.space, spec.guess_ms / 1000)
        assert abs(stated - computed) / computed < 0.1, (name, stated, computed)
    assert expected_core_years(SECRETS["trustee-card"].space,
                               SECRETS["trustee-card"].guess_ms / 1000) >= 1000
    assert SECRETS["install-code"].bits >= 80
