"""The poll book at the kiosk: check-in against the DPT, DPTb, the four counts at close.

Real SQLCipher database (the engine's own), voter list handed in through the engine's
`voter_list` seam (the provisioning side seals it into the package). What is checked:
every activation needs a check-in without one, a check-in allows one activation; a
second check-in is refused with the local time of the first, also after a restart;
invitation QR codes (valid, foreign, garbled, forged); DPTb; search; the log carries no
identity; the bundle's `pollbook` counts verify; the attendance list is its own file and
the bundle holds no name; a paper-count mismatch and more ballots than check-ins reach
the close report and the engine's close status; a station without a list is unchanged.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from ballotcore.bundle import StationBundle
from ballotcore.signing import SignedRecord
from ballotcore.verify import verify_bundle
from ballotcore.voterlist import invitation_text
from hardware.pollbook_receipts import AttendanceList
from hardware.receipts import CloseSummary
from hardware.status import PrinterFault
from kiosk.devices import MemoryContentPrinter
from kiosk.engine import KioskEngine
from kiosk.errors import CheckInRefused, TransitionRefused
from provisioning.testing import ElectionFixture
from tests.kiosk.helpers import add_trustees, officer_pins, open_engine, vote
from tests.kiosk.voters import pollbook_engine, synthetic_voters, voters_for


def _bundle(e: KioskEngine, fx: ElectionFixture, usb: Path, paper: int | None) -> StationBundle:
    pin = officer_pins(fx)[0]
    e.close_polls(pin, paper_records=paper)
    add_trustees(e, fx, [1, 2, 3])
    e.compute_results()
    data = e.export(usb).path.read_bytes()
    verify_bundle(data, e.record, full=True)
    return StationBundle.from_bytes(SignedRecord.from_bytes(data).record)


def test_activation_needs_a_checkin_and_uses_it(election3: ElectionFixture, data_dir: Path) -> None:
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30))
    pin = officer_pins(election3)[1]
    with pytest.raises(TransitionRefused):
        e.activate_ballot(pin)
    assert e.status().pollbook and e.status().checkins == 0
    e.check_in(3)
    e.check_in(7)
    assert e.status().checkins_waiting == 2
    vote(e, pin, 1)
    vote(e, pin, 2)
    with pytest.raises(TransitionRefused):  # two check-ins, two activations: none left
        e.activate_ballot(pin)
    e.check_in(9)
    e.activate_ballot(pin)
    e.void_session()  # a voided session used its check-in too
    with pytest.raises(TransitionRefused):
        e.activate_ballot(pin)
    s = e.status()
    assert (s.checkins, s.activations, s.ballots, s.checkins_waiting) == (3, 3, 2, 0)


def test_second_checkin_refused_with_local_time_also_after_restart(
        election3: ElectionFixture, data_dir: Path) -> None:
    voters = voters_for(election3, 30)
    e = pollbook_engine(election3, data_dir, voters)
    first = e.check_in(5)
    assert first.checked_in_at == "14:00:00"  # FakeClock 07:00 UTC, election in WIB
    with pytest.raises(CheckInRefused) as err:
        e.check_in(5)
    assert err.value.reason == "already" and err.value.first_time == "14:00:00"
    assert "14:00:00" in err.value.indonesian and "14:00:00" in err.value.english
    e.close()
    again = pollbook_engine(election3, data_dir, voters, open_polls=False)
    with pytest.raises(CheckInRefused) as err:
        again.check_in(5)
    assert err.value.reason == "already"
    assert again.voter_details(5).checked_in_at == "14:00:00"
    assert again.voter_details(6).checked_in_at is None  # positive control
    again.check_in(6)


def test_invitations(election3: ElectionFixture, data_dir: Path) -> None:
    voters = voters_for(election3, 30)
    e = pollbook_engine(election3, data_dir, voters)
    assert e.check_in_invitation(invitation_text(voters, 12)).dpt_number == 12
    other = synthetic_voters(voters.election_id, voters.village, "TPS-99", 30, seed=3)
    good = invitation_text(voters, 13)
    forged = good[:-1] + ("0" if good[-1] != "0" else "1")
    for text, reason in ((invitation_text(other, 13), "foreign"), ("SDI1.garbage", "garbled"),
                         (forged, "forged"), (invitation_text(voters, 12), "already")):
        with pytest.raises(CheckInRefused) as err:
            e.check_in_invitation(text)
        assert err.value.reason == reason
    assert e.status().checkins == 1
    assert e.check_in_invitation(good).dpt_number == 13  # the undamaged one still works
    refused = [x["detail"]["reason"] for x in e.event_log() if x["event"] == "voter.checkin_refused"]
    assert refused == ["foreign", "garbled", "forged", "already"]


def test_dptb(election3: ElectionFixture, data_dir: Path) -> None:
    voters = voters_for(election3, 30)
    e = pollbook_engine(election3, data_dir, voters)
    added = e.add_dptb("3201999988887777", "Made  Wirawan", "L", "pindah domisili")
    assert (added.dpt_number, added.name, added.nik_tail) == (None, "Made Wirawan", "7777")
    for args in (("3201999988887777", "Made Wirawan", "L", "lagi"),  # twice
                 (voters.voters[0].nik, "Orang Lain", "P", "ada di DPT"),  # on the DPT
                 ("12345", "Pendek", "P", "NIK pendek"), ("3201999988886666", "Tanpa", "P", " "),
                 ("3201999988886666", "Jenis", "X", "alasan")):
        with pytest.raises(CheckInRefused) as err:
            e.add_dptb(*args)
        assert err.value.reason == ("already" if args[3] == "lagi" else "invalid")
    e.activate_ballot(officer_pins(election3)[1])  # a DPTb check-in allows an activation
    summary = e.pollbook_summary()
    assert summary is not None
    assert (summary.counts.checkins, summary.counts.dptb, summary.counts.men) == (1, 1, 1)
    (row,) = e.attendance()
    assert (row.label, row.nik, row.reason) == ("DPTb 1", "3201999988887777", "pindah domisili")


def test_search(election3: ElectionFixture, data_dir: Path) -> None:
    voters = voters_for(election3, 200)
    e = pollbook_engine(election3, data_dir, voters)
    target = voters.voters[41]
    assert [v.dpt_number for v in e.search_voters(str(target.dpt_number))][0] == 42
    by_tail = e.search_voters(target.nik[-6:])
    assert 42 in [v.dpt_number for v in by_tail]
    first, last = target.name.split()
    by_name = e.search_voters(f"{last.lower()}  {first.upper()[:3]}")
    expected = [v.dpt_number for v in voters.voters
                if first.lower()[:3] in v.name.lower() and last.lower() in v.name.lower()]
    assert [v.dpt_number for v in by_name] == expected[:20] and 42 in expected
    assert e.search_voters("zzzz") == () and e.search_voters("  ") == ()
    assert by_name[0].sex in ("L", "P") and by_name[0].birth_year is not None


def test_log_carries_no_identity(election3: ElectionFixture, data_dir: Path) -> None:
    voters = voters_for(election3, 30)
    e = pollbook_engine(election3, data_dir, voters)
    for n in (1, 2, 3):
        e.check_in(n)
    e.add_dptb("3201999988887777", "Made Wirawan", "P", "pindah domisili")
    entries = [x for x in e.event_log() if x["event"] == "voter.checked_in"]
    assert [sorted(x["detail"]) for x in entries] == [["list", "sex"]] * 4
    assert entries[-1]["detail"] == {"list": "dptb", "sex": "P"}
    text = repr(e.event_log())
    secrets_ = [v.name for v in voters.voters[:3]] + [v.nik for v in voters.voters[:3]]
    assert not [s for s in secrets_ + ["Made Wirawan", "3201999988887777"] if s in text]
    assert voters.voters[0].sex in text  # positive control: the detail is there


def test_close_counts_bundle_and_attendance(election3: ElectionFixture, data_dir: Path,
                                            tmp_path: Path) -> None:
    printer = MemoryContentPrinter()
    voters = voters_for(election3, 30)
    e = pollbook_engine(election3, data_dir, voters, printer=printer)
    pin = officer_pins(election3)[1]
    for n in (4, 2, 9):
        e.check_in(n)
        vote(e, pin, 1)
    e.check_in(11)  # checked in, left without a ballot
    bundle = _bundle(e, election3, tmp_path, paper=2)
    pb = bundle.pollbook
    assert pb is not None
    assert (pb.checkins, pb.men + pb.women, pb.dptb, pb.paper_records) == (4, 4, 0, 2)
    found = e.status().pollbook_findings
    assert any("2 paper records in the audit box, 3 ballots" in f for f in found)
    assert any("1 checked-in voters had no ballot" in f for f in found)
    (report,) = [d for d in printer.printed if isinstance(d, CloseSummary)]  # one receipt
    book = report.pollbook
    assert book is not None
    assert (book.checkins, report.activations, report.ballots_cast, book.paper_records) == (
        4, 3, 3, 2)
    assert book.findings == found
    codes = [entry.event for entry in e._db().events()]
    assert codes.count("report.close_printed") == 1 and "report.pollbook_printed" not in codes
    raw = (tmp_path / f"{e.village.code}_{e.station.code}.sdbundle").read_bytes()
    for v in voters.voters[:12]:
        assert v.name.encode() not in raw and v.nik.encode() not in raw
    attendance = tmp_path / f"{e.village.code}_{e.station.code}.daftar-hadir.csv"
    rows = list(csv.DictReader(io.StringIO(attendance.read_text(encoding="utf-8"))))
    assert [r["no_dpt"] for r in rows] == ["4", "2", "9", "11"]
    assert rows[0]["nama"] == voters.by_dpt()[4].name and rows[0]["jam"] == "14:00:00"
    assert e.print_attendance() in ("ready", "paper-near-end")
    assert isinstance(printer.printed[-1], AttendanceList) and len(printer.printed[-1].rows) == 4


def test_more_ballots_than_checkins_flagged(election3: ElectionFixture, data_dir: Path,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """A kiosk whose check-in gate was removed (a changed program) activates without
    check-ins: its signed log shows it, the close report and status flag it."""
    printer = MemoryContentPrinter()
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30), printer=printer)
    pin = officer_pins(election3)[1]
    e.check_in(1)
    assert e.store is not None
    monkeypatch.setattr(e.store, "checkin_count", lambda: 10**6)
    for _ in range(3):
        vote(e, pin, 2)
    bundle = _bundle(e, election3, tmp_path, paper=3)
    assert bundle.pollbook is not None and bundle.pollbook.checkins == 1
    summary = e.pollbook_summary()
    assert summary is not None
    codes = {f.code for f in summary.anomalies}
    assert codes == {"ballots_over_checkins", "activations_over_checkins"}
    assert any("3 ballots but only 1 voters checked in" in f for f in e.status().pollbook_findings)
    report = [d for d in printer.printed if isinstance(d, CloseSummary)][-1]
    assert report.pollbook is not None
    assert any("3 suara tetapi hanya 1 pemilih hadir" in f for f in report.pollbook.findings)


def test_paper_count_entered_later_and_again(election3: ElectionFixture, data_dir: Path,
                                             tmp_path: Path) -> None:
    """The close summary prints at the close with the poll book ("-" for the paper
    records), and again with the count each time the officers enter one."""
    printer = MemoryContentPrinter()
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30), printer=printer)
    pin = officer_pins(election3)[0]
    with pytest.raises(TransitionRefused):
        e.enter_paper_count(pin, 0)  # not before the close
    e.check_in(1)
    vote(e, pin, 3)
    e.close_polls(pin)
    assert any("not entered" in f for f in e.status().pollbook_findings)
    assert e.enter_paper_count(pin, 2).counts.paper_records == 2
    assert not e.enter_paper_count(pin, 1).anomalies  # a recount: the last one counts
    closes = [d for d in printer.printed if isinstance(d, CloseSummary)]
    assert [c.pollbook.paper_records for c in closes if c.pollbook] == [None, 2, 1]
    codes = [entry.event for entry in e._db().events()]
    assert codes.count("report.close_printed") == 1
    assert codes.count("report.pollbook_printed") == 2
    printer.fault = PrinterFault.PAPER_OUT
    e.enter_paper_count(pin, 1)
    assert [entry.event for entry in e._db().events()][-1] == "report.pollbook_failed"
    assert len([d for d in printer.printed if isinstance(d, CloseSummary)]) == 3
    add_trustees(e, election3, [1, 2, 3])
    e.compute_results()
    bundle = StationBundle.from_bytes(SignedRecord.from_bytes(
        e.export(tmp_path).path.read_bytes()).record)
    assert bundle.pollbook is not None and bundle.pollbook.paper_records == 1


def test_mode_switch_clears_checkins(election3: ElectionFixture, data_dir: Path) -> None:
    e = pollbook_engine(election3, data_dir, voters_for(election3, 30), open_polls=False)
    pin = officer_pins(election3)[0]
    e.set_mode("test", pin, clear=True)
    assert e.readiness().ok
    e.open_polls(pin)
    e.check_in(1)
    assert e.status().checkins == 1
    e.close_polls(pin)
    e.set_mode("official", pin, clear=True)
    assert e.status().checkins == 0 and e.attendance() == ()


def test_station_without_a_list_is_unchanged(election3: ElectionFixture, data_dir: Path,
                                             tmp_path: Path) -> None:
    e = open_engine(election3, data_dir)
    pin = officer_pins(election3)[1]
    with pytest.raises(CheckInRefused) as err:
        e.check_in(1)
    assert err.value.reason == "no-list"
    vote(e, pin, 1)  # no check-in needed
    assert not e.status().pollbook and e.pollbook_summary() is None
    bundle = _bundle(e, election3, tmp_path, paper=None)
    assert bundle.pollbook is None
    assert not list(tmp_path.glob("*.daftar-hadir.csv"))
