"""require_program: a missing test program skips locally (naming the package) and fails
in CI; a present one is returned. Positive controls for both outcomes."""

from __future__ import annotations

import pytest

from tests.programs import in_ci, require_program

MISSING = "suaradesa-no-such-program-7f3a"


def test_present_program_is_returned() -> None:
    assert require_program("sh", "dash").endswith("/sh")
    assert require_program(MISSING, "x", "sh").endswith("/sh")  # an alternative name


def test_missing_program_skips_locally_naming_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install poppler-utils"):
        require_program(MISSING, "poppler-utils")


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_missing_program_fails_in_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert in_ci()
    with pytest.raises(pytest.fail.Exception, match="apt-get install chromium"):
        require_program(MISSING, "chromium")


def test_ci_false_is_not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "false")
    assert not in_ci()
