"""Size limits live in ballotcore.limits only, and the spec enforces the photo limit."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ballotcore import limits
from provisioning.spec import SpecError, load_spec
from tests.boundaries import PACKAGES
from tests.provisioning.test_spec import FILES, write_spec

ROOT = Path(__file__).resolve().parent.parent
LIMITS = ROOT / "ballotcore" / "limits.py"
_LIMIT_NAME = re.compile(r"^MAX_\w*(BYTES|PIXELS|ENTRIES|DEPTH|DPT)$")


def limit_definitions(source: str) -> list[str]:
    """Top-level assignments that define a size limit (`MAX_..._BYTES = ...` and kin)."""
    tree = ast.parse(source)
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else []
        )  # fmt: skip
        names += [t.id for t in targets if isinstance(t, ast.Name) and _LIMIT_NAME.match(t.id)]
    return names


def test_no_module_but_limits_defines_a_size_limit() -> None:
    found = {
        str(path.relative_to(ROOT)): names
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path != LIMITS and (names := limit_definitions(path.read_text()))
    }
    assert found == {}


def test_the_check_sees_a_stray_limit() -> None:
    """Positive control: the limits module itself, and a stray definition, are found."""
    assert "MAX_BUNDLE_BYTES" in limit_definitions(LIMITS.read_text())
    assert limit_definitions("MAX_PHOTO_BYTES = 1 << 20\nOTHER = 1\n") == ["MAX_PHOTO_BYTES"]


def test_enforcing_modules_use_the_shared_values() -> None:
    from ballotcore import codec, election, package
    from tally import db, files, qr

    assert codec.MAX_RECORD_BYTES is limits.MAX_RECORD_BYTES
    assert package.MAX_PACKAGE_FILE_BYTES is limits.MAX_PACKAGE_FILE_BYTES
    assert election.MAX_DPT is limits.MAX_DPT
    assert files.MAX_BUNDLE_BYTES is limits.MAX_BUNDLE_BYTES
    assert qr.MAX_IMAGE_PIXELS is limits.MAX_IMAGE_PIXELS
    assert db.MAX_STORED_RECORD_BYTES is limits.MAX_STORED_RECORD_BYTES


@pytest.mark.parametrize("extra", [0, 1])
def test_spec_refuses_a_photo_over_the_limit(tmp_path: Path, extra: int) -> None:
    candidates = FILES["candidates.csv"].replace("V1,1,Budi,", "V1,1,Budi,budi.png")
    spec = write_spec(tmp_path / "s", **{"candidates.csv": candidates})
    (spec / "photos").mkdir(exist_ok=True)
    (spec / "photos" / "budi.png").write_bytes(bytes(limits.MAX_PHOTO_BYTES + extra))
    if extra:
        with pytest.raises(SpecError, match="larger than 8 MiB"):
            load_spec(spec)
    else:  # exactly at the limit is accepted (the control)
        assert load_spec(spec).photos["budi.png"]
