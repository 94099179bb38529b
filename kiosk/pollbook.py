"""The poll book at the kiosk: check-in against the station's voter list (DPT), the
audit-box paper count at the close, the close report and the attendance list.

A station whose package has a sealed voter list (`ballotcore.voterlist.VOTERS_FILE`) opens
it with the kiosk key once an officer PIN has unwrapped that key (or a test hands one in:
`KioskEngine(..., voter_list=...)`). Then every activation needs a check-in that has no
activation yet, and every check-in allows at most one activation: the engine counts
check-ins (rows of `checkins`) against activations and refuses an activation when none
is waiting. It never records *which* check-in an activation used, so nothing in the
database pairs a voter with a session (docs/KIOSK.md "Poll book"). A station without a
list keeps the behaviour of before: activation needs only the officer PIN.

Check-in is by DPT number (typed, chosen after `search_voters`, or from an invitation
QR via `check_in_invitation`), or a DPTb voter is added with NIK, name, sex and reason.
A second check-in of the same voter (DPT number or NIK) is refused with the local time of
the first. Each check-in logs `voter.checked_in` with only the sex and the list (dpt or
dptb) in the same transaction as its row; refusals log `voter.checkin_refused`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

from ballotcore import pollbook as pbk
from ballotcore import voterlist as vl
from hardware import pollbook_receipts as pr
from hardware import receipts
from kiosk import polls as pm
from kiosk.base import KioskEngineBase, locked
from kiosk.errors import CheckInRefused, ExportError
from kiosk.views import ExportReport, Status

#: Polls states in which voters may be checked in.
CHECKIN_STATES = (pm.PollsState.OPEN, pm.PollsState.PAUSED)
#: Results of a search shown at once (the officer narrows the query for more).
SEARCH_LIMIT = 20
#: Digits of the NIK a search by "last digits" needs at least.
NIK_TAIL_MIN = 4
DPTB_REASON_MAX = 80
ATTENDANCE_SUFFIX = ".daftar-hadir.csv"


@dataclass(frozen=True, slots=True)
class VoterView:
    """What the officer compares with the KTP (the NIK only by its last four digits)."""

    dpt_number: int | None  # None for a DPTb voter
    name: str
    sex: str
    birth_year: int | None
    rt: int | None
    rw: int | None
    nik_tail: str
    checked_in_at: str | None  # local time of the check-in (HH:MM:SS), None if not yet


@dataclass(frozen=True, slots=True)
class AttendanceEntry:
    label: str  # DPT number, or "DPTb <n>"
    nik: str
    name: str
    sex: str
    reason: str  # DPTb reason, "" for a DPT voter
    time: str  # local time, HH:MM:SS


@dataclass(frozen=True, slots=True)
class PollbookSummary:
    """The four counts of the current box and every difference among them."""

    counts: pbk.PollbookCounts
    activations: int
    ballots: int
    findings: tuple[pbk.Finding, ...]

    @property
    def anomalies(self) -> tuple[pbk.Finding, ...]:
        return pbk.anomalies(self.findings)


class PollbookActions(KioskEngineBase):
    """Check-in, the paper count, the close report and the attendance list."""

    # ------------------------------------------------------------ the list
    def _list(self, action: str) -> vl.VoterList:
        self._db()
        if self.voters is None:
            raise self._checkin_refused(
                "no-list", action, "This station's package has no voter list.",
                "Paket TPS ini tidak memuat daftar pemilih.", log=False)
        return self.voters

    def _checkin_refused(self, reason: str, action: str, english: str, indonesian: str,
                         first: str | None = None, log: bool = True) -> CheckInRefused:
        if log and self.store is not None:
            with self.store.transaction() as txn:
                txn.log("voter.checkin_refused", self._now(), {"reason": reason, "action": action})
        return CheckInRefused(reason, english, indonesian, first)

    def _local(self, utc: str) -> str:
        moment = dt.datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
        return moment.astimezone(self.definition.zone).strftime("%H:%M:%S")

    def _view(self, v: vl.Voter, times: dict[int, str]) -> VoterView:
        when = times.get(v.dpt_number)
        return VoterView(v.dpt_number, v.name, v.sex, v.birth_year, v.rt, v.rw, v.nik[-4:],
                         None if when is None else self._local(when))

    def _checked_in_times(self) -> dict[int, str]:
        return {d: t for d, _n, _m, _s, _r, t in self._db().checkins() if d is not None}

    # ------------------------------------------------------------ queries
    @locked
    def search_voters(self, query: str, limit: int = SEARCH_LIMIT) -> tuple[VoterView, ...]:
        """Voters matching `query`: a number matches the DPT number exactly and, with at
        least four digits, the end of the NIK; words match names (every word, any case,
        anywhere in the name). Sorted by DPT number, at most `limit`."""
        self._list("search")
        q = " ".join(query.split())
        if not q:
            return ()
        found: list[vl.Voter] = []
        if q.isdigit():
            dpt = self._by_dpt.get(int(q)) if len(q) <= 6 else None
            if dpt is not None:
                found.append(dpt)
            if len(q) >= NIK_TAIL_MIN:
                found += [v for v, _ in self._index if v.nik.endswith(q) and v is not dpt]
        else:
            words = q.casefold().split()
            found = [v for v, name in self._index if all(w in name for w in words)]
        found.sort(key=lambda v: v.dpt_number)
        times = self._checked_in_times()
        return tuple(self._view(v, times) for v in found[:limit])

    @locked
    def voter_details(self, dpt_number: int) -> VoterView:
        """One voter by DPT number (CheckInRefused "unknown" if not on the list)."""
        self._list("show")
        v = self._by_dpt.get(dpt_number)
        if v is None:
            raise CheckInRefused("unknown", f"DPT number {dpt_number} is not on the list.",
                                 f"Nomor DPT {dpt_number} tidak ada di daftar.")
        return self._view(v, self._checked_in_times())

    # ------------------------------------------------------------ check-in
    def _open_for_checkin(self, action: str) -> None:
        if self._polls() not in CHECKIN_STATES:
            raise self._checkin_refused(
                "not-open", action, "Voters are checked in only while the polls are open.",
                "Pemilih hanya dapat hadir saat pemungutan suara dibuka.")

    def _record(self, dpt: int | None, nik: str, name: str, sex: str, reason: str | None,
                action: str) -> str:
        """Refuse a second check-in (with the local time of the first), else store and
        log it in one transaction; returns the UTC time."""
        store = self._db()
        first = store.checkin_of(dpt, nik)
        if first is not None:
            local = self._local(first)
            raise self._checkin_refused(
                "already", action, f"This voter already checked in at {local}.",
                f"Pemilih ini sudah hadir pukul {local}.", local)
        now = self._now()
        with store.transaction() as txn:
            txn.add_checkin(dpt, nik, name, sex, reason, now)
            txn.log("voter.checked_in", now, {"sex": sex, "list": "dpt" if dpt else "dptb"})
        return now

    @locked
    def check_in(self, dpt_number: int) -> VoterView:
        """"Hadir": check in the voter with this DPT number (polls open or paused)."""
        self._list("check_in")
        self._open_for_checkin("check_in")
        v = self._by_dpt.get(dpt_number)
        if v is None:
            raise self._checkin_refused(
                "unknown", "check_in", f"DPT number {dpt_number} is not on the list.",
                f"Nomor DPT {dpt_number} tidak ada di daftar.")
        when = self._record(v.dpt_number, v.nik, v.name, v.sex, None, "check_in")
        return self._view(v, {v.dpt_number: when})

    @locked
    def check_in_invitation(self, text: str) -> VoterView:
        """Check in the voter an invitation QR names (the scanned text); CheckInRefused
        "garbled", "foreign" or "forged" (ballotcore.voterlist.read_invitation)."""
        voters = self._list("scan")
        self._open_for_checkin("scan")
        try:
            dpt = vl.read_invitation(text, voters)
        except vl.InvitationError as exc:
            indonesian, _, english = str(exc).partition(" / ")
            raise self._checkin_refused(exc.reason, "scan", english or indonesian,
                                        indonesian) from exc
        v = self._by_dpt[dpt]
        when = self._record(v.dpt_number, v.nik, v.name, v.sex, None, "scan")
        return self._view(v, {v.dpt_number: when})

    def scan_check_in(self, timeout: float = 0.0) -> VoterView | None:
        """Wait up to `timeout` seconds for the station's scanner to read a code and check
        in the voter its invitation names (`check_in_invitation`); None if nothing was
        scanned (no scanner, or nothing within the time). Not under the engine lock while
        waiting, so `status()` stays responsive."""
        scanner = self.devices.scanner
        text = None if scanner is None else scanner.read(timeout)
        if text is None:
            return None
        return self.check_in_invitation(text)

    @locked
    def add_dptb(self, nik: str, name: str, sex: str, reason: str) -> VoterView:
        """Check in a voter who is not on the DPT but entitled (DPTb): the NIK (16
        digits, not on the DPT), the name and sex from the KTP, and why (e.g. "pindah
        domisili"). Refused like a second check-in if this NIK already checked in."""
        self._list("dptb")
        self._open_for_checkin("dptb")
        nik, name, reason = nik.strip(), " ".join(name.split()), " ".join(reason.split())
        problem = None
        if not (len(nik) == vl.NIK_DIGITS and nik.isdigit()):
            problem = ("the NIK must be 16 digits", "NIK harus 16 angka")
        elif nik in self._niks:
            problem = (f"this NIK is on the DPT as number {self._niks[nik]}: check in by it",
                       f"NIK ini ada di DPT nomor {self._niks[nik]}: hadirkan dengan nomor itu")
        elif not name or len(name) > 100:
            problem = ("the name is empty or too long", "nama kosong atau terlalu panjang")
        elif sex not in vl.SEXES:
            problem = ("sex must be L or P", "jenis kelamin harus L atau P")
        elif not reason or len(reason) > DPTB_REASON_MAX:
            problem = ("give the reason (at most 80 characters)", "isi alasan (paling banyak 80 huruf)")
        if problem is not None:
            raise self._checkin_refused("invalid", "dptb", f"DPTb refused: {problem[0]}.",
                                        f"DPTb ditolak: {problem[1]}.")
        when = self._record(None, nik, name, sex, reason, "dptb")
        return VoterView(None, name, sex, None, None, None, nik[-4:], self._local(when))

    # ------------------------------------------------------------ counts and close
    @locked
    def pollbook_summary(self) -> PollbookSummary | None:
        """The four counts and their differences now (None for a station without a list)."""
        if self.voters is None:
            return None
        store = self._db()
        log = pbk.from_log(store.events())
        activations, ballots = int(store.get("activations", 0)), int(store.get("ballots", 0))
        return PollbookSummary(log.counts, activations, ballots,
                               pbk.findings(log.counts, activations, ballots, log.unbacked))

    def _pollbook_section(self) -> receipts.PollbookSection | None:
        """The close summary's poll-book part: counts, audit-box count, differences."""
        summary = self.pollbook_summary() if self.voters is not None else None
        if summary is None:
            return None
        c = summary.counts
        return receipts.PollbookSection(c.checkins, c.men, c.women, c.dptb, c.paper_records,
                                        tuple(f.text() for f in summary.findings))

    def _record_paper_count(self, pin: str, paper_records: int) -> None:
        """Check and log the officers' audit-box count (officer PIN)."""
        self._list("paper_count")
        if self._polls() not in pm.SEALED_STATES:
            raise self._refuse("polls", "paper_count", "the audit box is counted after the close")
        if not isinstance(paper_records, int) or isinstance(paper_records, bool) or not (
                0 <= paper_records <= 2 * self.station.dpt + 1000):
            raise CheckInRefused("invalid", "The paper-record count is not a plausible number.",
                                 "Jumlah catatan kertas tidak wajar.")
        slot = self._officer(pin)
        with self._db().transaction() as txn:
            txn.log("pollbook.paper_counted", self._now(),
                    {"paper_records": paper_records, "officer": slot})

    @locked
    def enter_paper_count(self, pin: str, paper_records: int) -> PollbookSummary:
        """After the close the officers count the paper records in the audit box and enter
        the number (officer PIN; again to correct it, the last one counts): logged, then
        the close summary is printed again with the count and every difference among the
        four counts (`print_close_report`)."""
        self._record_paper_count(pin, paper_records)
        summary = self.pollbook_summary()
        assert summary is not None
        self.print_close_report()
        return summary

    #: An audit-box count given to `close_polls`, entered just before the close summary
    #: prints, so that closing with the count prints one close receipt, not two.
    _paper_on_close: tuple[str, int] | None = None

    @locked
    def close_polls(self, pin: str, paper_records: int | None = None) -> Status:
        """Close the polls (`PollingActions.close_polls`); with a voter list and
        `paper_records`, enter the audit-box count at once, so the one close summary
        printed carries it. `Status.pollbook_findings` then lists every difference among
        the four counts."""
        if paper_records is not None and self.voters is not None:
            self._paper_on_close = (pin, paper_records)
        try:
            super().close_polls(pin)  # type: ignore[misc]  # PollingActions, next in the MRO
        finally:
            self._paper_on_close = None
        return self.status()

    def _print_close_summary(self, reprint: bool, code: str | None = None,
                             detail: dict[str, str | int] | None = None) -> str:
        pending, self._paper_on_close = self._paper_on_close, None
        if pending is not None:
            try:
                self._record_paper_count(*pending)
            except CheckInRefused:
                super()._print_close_summary(  # type: ignore[misc]  # the close still prints
                    reprint, code, detail)
                raise
        return super()._print_close_summary(  # type: ignore[misc]  # CloseSummaryActions
            reprint, code, detail)

    @locked
    def print_close_report(self) -> str:
        """Print the close summary with the poll book again, after the audit-box count
        (logged report.pollbook_printed / report.pollbook_failed); returns the printer
        status."""
        self._list("close_report")
        summary = self.pollbook_summary()
        assert summary is not None
        return self._print_close_summary(reprint=False, code="report.pollbook",
                                         detail={"anomalies": len(summary.anomalies)})

    # ------------------------------------------------------------ attendance list
    @locked
    def attendance(self) -> tuple[AttendanceEntry, ...]:
        """The daftar hadir: every check-in of the current box, in check-in order."""
        self._list("attendance")
        out = []
        dptb = 0
        for dpt, nik, name, sex, reason, when in self._db().checkins():
            if dpt is None:
                dptb += 1
            label = str(dpt) if dpt is not None else f"DPTb {dptb}"
            out.append(AttendanceEntry(label, nik, name, sex, reason or "", self._local(when)))
        return tuple(out)

    @locked
    def print_attendance(self) -> str:
        """Print the attendance list for the witnesses; returns the printer status."""
        rows = tuple(pr.AttendanceRow(a.label, a.name, a.time[:5]) for a in self.attendance())
        report = pr.AttendanceList(self._station_receipt(), rows,
                                   self.clock.wall().astimezone(self.definition.zone))
        return self.devices.print(report).status

    def attendance_csv(self) -> bytes:
        """The attendance list as CSV (UTF-8) for the committee: no, nik, nama, jk,
        alasan_dptb, jam (local time of check-in)."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["no_dpt", "nik", "nama", "jk", "alasan_dptb", "jam"])
        for a in self.attendance():
            w.writerow([a.label, a.nik, a.name, a.sex, a.reason, a.time])
        return buf.getvalue().encode("utf-8")

    @locked
    def export(self, usb_dir: Path) -> ExportReport:
        """Export the bundle (`TallyingActions.export`) and, with a voter list, the
        attendance list as its own file next to it (`_write_attendance`)."""
        report: ExportReport = super().export(usb_dir)  # type: ignore[misc]  # next in MRO
        self._write_attendance(Path(usb_dir))
        return report

    def _write_attendance(self, usb_dir: Path) -> Path | None:
        """`<usb>/<village>_<station>.daftar-hadir.csv` next to the bundle (temp name,
        fsync, rename); never inside the public bundle. None without a list."""
        if self.voters is None:
            return None
        name = f"{self.village.code}_{self.station.code}{ATTENDANCE_SUFFIX}"
        final, tmp = Path(usb_dir) / name, Path(usb_dir) / f".{name}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                view = memoryview(self.attendance_csv())
                while view:
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, final)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ExportError(f"writing {final} failed: {exc.strerror or exc}") from exc
        return final


__all__ = ["AttendanceEntry", "PollbookActions", "PollbookSummary", "VoterView"]
