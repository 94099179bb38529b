"""The one registry of kiosk event codes, with what each means.

Every entry of the hash-chained event log (`ballotcore.eventlog`) carries one of these
codes. Details are short strings or integers and never a ballot id, tracking code,
selection, PIN or key (`ballotcore.eventlog.next_entry` refuses such detail keys, and a
test proves no candidate name reaches any log). `describe(code)` gives the text an
auditor reads; `check(code)` is called before anything is logged, so an unregistered
code is a bug caught at once.
"""

from __future__ import annotations

from kiosk import polls

EVENTS: dict[str, str] = {
    # storage and start-up
    "storage.created": "A new encrypted kiosk database was created for this package.",
    "storage.migrated": "A named schema migration was applied (detail: name).",
    "kiosk.started": "The database was opened after an officer PIN (start or restart).",
    "kiosk.installed": "The package was installed on this kiosk with its installation code; "
    "the kiosk key was re-wrapped under the device secret (detail: officer slots).",
    "box.slots_allocated": "Empty fixed-size ballot slots were allocated at random positions.",
    "box.cleared": "The ballot box and counters were cleared for a mode switch.",
    "audio.headphones_connected": "An officer marked headphones as connected: spoken "
    "guidance is on (detail: officer slot).",
    "audio.headphones_removed": "An officer marked headphones as not connected: the kiosk "
    "is silent (detail: officer slot).",
    "mode.switched": "The kiosk switched between official and test mode (detail: from, to).",
    # officers
    "officer.pin_accepted": "An officer PIN was accepted (detail: officer slot, action).",
    "officer.pin_wrong": "A wrong officer PIN was entered (detail: consecutive failures).",
    "officer.pin_refused_wait": "A PIN was refused because the waiting time had not passed.",
    "officer.pin_locked": "Officer PINs were locked after too many wrong attempts.",
    "officer.pin_state_reset": "The PIN-attempt file was missing; the counter was restored.",
    "officer.pin_unlocked": "A one-time unlock code from the district lifted a PIN wait or "
    "lock-out (detail: code number on the officer sheet; the code is now used).",
    "officer.unlock_refused": "An unlock code was refused (detail: reason garbled, foreign, "
    "used or not-locked).",
    # readiness and reports
    "readiness.passed": "All required readiness checks passed (detail: warnings, e.g. "
    "scanner, if an optional check failed).",
    "readiness.failed": "A required readiness check failed (detail: failed checks, warnings).",
    "report.zero_printed": "The zero report was printed (every candidate 0, empty box).",
    "report.zero_failed": "The zero report could not be printed (detail: printer status).",
    "report.close_printed": "The close summary (ballots, activations, voided, box root, "
    "close time) was printed when the polls closed.",
    "report.close_failed": "The close summary could not be printed at close (detail: status).",
    "report.close_reprinted": "The close summary was printed again, marked as a reprint.",
    "report.close_reprint_failed": "A reprint of the close summary failed (detail: status).",
    "report.results_printed": "The results report with its QR code was printed.",
    "report.results_failed": "The results report could not be printed (detail: status).",
    "report.results_reprinted": "The results report was printed again, marked as a reprint.",
    "report.results_reprint_failed": "A reprint of the results report failed (detail: status).",
    # polls transitions: one code per (old, new) pair
    "polls.setup_to_ready": "Polls: setup -> ready (readiness checks passed).",
    "polls.ready_to_open": "Polls opened after an officer PIN and the zero report.",
    "polls.open_to_paused": "Polls paused.",
    "polls.paused_to_open": "Polls resumed.",
    "polls.open_to_closed": "Polls closed by an officer (from open).",
    "polls.paused_to_closed": "Polls closed by an officer (from paused).",
    "polls.closed_to_results": "Results decrypted by k trustees and signed.",
    "polls.exported_to_results": "Results decrypted after an export without results.",
    "polls.closed_to_exported": "Bundle exported without results (fewer than k trustees).",
    "polls.results_to_exported": "Bundle exported with results.",
    "polls.exported_again": "Bundle exported again (identical content).",
    "polls.transition_refused": "A polls action was refused (detail: state, action, reason).",
    # voter sessions
    "session.activated": "An officer activated one ballot (detail: officer slot).",
    "session.voided": "An officer voided the voter session; nothing was stored.",
    "session.timed_out": "The voter session timed out and was voided; nothing was stored.",
    "session.voided_on_restart": "A session open at a power cut was voided on restart.",
    "session.transition_refused": "A voter-session action was refused (detail: state, action).",
    # poll book (a station whose package has a voter list): no name, NIK or DPT number
    "voter.checked_in": "An officer checked a voter in against the voter list or added a "
    "DPTb voter (detail: sex L|P, list dpt|dptb; no identity). Counts check-ins; each "
    "allows one activation.",
    "voter.checkin_refused": "A check-in was refused (detail: reason already, garbled, "
    "foreign, forged, unknown, invalid); nothing was counted.",
    "pollbook.paper_counted": "After the close the officers entered the number of paper "
    "records counted in the audit box (detail: paper_records, officer slot); the last one "
    "counts.",
    "report.pollbook_printed": "After the officers entered the audit-box count, the close "
    "summary was printed again with it and the four poll-book counts (detail: status, "
    "anomalies).",
    "report.pollbook_failed": "The close summary with the audit-box count could not be "
    "printed (detail: status, anomalies).",
    # ballots
    "ballot.cast": "A ballot was recorded (no content: not which, not where).",
    "ballot.challenged": "The voter checked the committed ballot (Benaloh challenge): it was "
    "spoiled, its nonces kept with it for the bulletin board, never counted; the voter is "
    "back at the ballot under the same activation (no content).",
    "ballot.confirmed": "The voter saw the 'recorded' screen for the last ballot.",
    "ballot.committed_not_confirmed": "Restart: the last ballot was stored but never confirmed "
    "on screen. It is counted; it is not lost and not duplicated.",
    "receipt.printed": "Voter receipts printed (detail: documents, printer status).",
    "receipt.failed": "A voter receipt could not be printed; the ballot stays recorded.",
    "receipt.reprinted": "Missing voter receipts printed again, marked as a reprint (detail: "
    "printer status of the record and the slip).",
    "receipt.skipped_by_officer": "An officer confirmed (PIN) that the voter left without a "
    "complete paper record (detail: officer slot, printer status); the ballot stays recorded.",
    "session.activation_refused": "A ballot activation was refused because the printer "
    "cannot print (detail: printer status); nothing was counted.",
    # close, trustees, results
    "trustee.accepted": "A trustee's partial decryption was verified and stored (detail: index).",
    "trustee.refused": "A trustee card or PIN was refused (detail: index if known, reason).",
    "results.computed": "Totals decrypted from the aggregate and the results record signed.",
    # export log (a separate chain, outside the exported bundle)
    "export.written": "A bundle was written, read back, verified and renamed (detail: file).",
    "export.failed": "Writing or verifying a bundle failed (detail: reason).",
}

for _state, _target in polls.TRANSITIONS.items():
    assert _target[1] in EVENTS, _target[1]


def check(code: str) -> str:
    """Return `code` if registered; raise KeyError (a programming error) otherwise."""
    if code not in EVENTS:
        raise KeyError(f"unregistered kiosk event code {code!r}")
    return code


def describe(code: str) -> str:
    """What an event code means, for auditors and the event-log viewer."""
    return EVENTS[code]
