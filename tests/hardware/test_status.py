"""DLE EOT status bytes: parsing real replies, and the simulator's replies round-tripping."""

from __future__ import annotations

import itertools

import pytest

from hardware.errors import StatusReplyError
from hardware.status import (
    READY,
    PrinterCondition,
    PrinterFault,
    PrinterStatus,
    is_print_ack,
    is_status_reply,
    parse_status_reply,
    print_ack_byte,
    status_reply_byte,
)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (b"\x12\x12\x12\x12", READY),
        (b"\x16\x12\x12\x12", READY),  # bit 2 of n=1 is the drawer pin: ignored
        (b"\x1a\x16\x12\x12", PrinterStatus(PrinterFault.COVER_OPEN)),
        (b"\x1a\x32\x12\x7e", PrinterStatus(PrinterFault.PAPER_OUT)),
        (b"\x12\x12\x12\x7e", PrinterStatus(PrinterFault.PAPER_OUT)),  # sensor alone
        (b"\x12\x12\x12\x1e", PrinterStatus(paper_near_end=True)),
        (b"\x1a\x52\x1a\x12", PrinterStatus(PrinterFault.CUTTER_ERROR)),
        (b"\x1a\x52\x32\x12", PrinterStatus(PrinterFault.ERROR)),
        (b"\x1a\x12\x12\x12", PrinterStatus(PrinterFault.OFFLINE)),
        (b"\x1a\x36\x12\x7e", PrinterStatus(PrinterFault.COVER_OPEN)),  # worst first
    ],
)
def test_parse_known_replies(reply: bytes, expected: PrinterStatus) -> None:
    assert parse_status_reply(reply) == expected


@pytest.mark.parametrize(
    "reply",
    [b"", b"\x12\x12\x12", b"\x12\x12\x12\x12\x12", b"\x00\x12\x12\x12", b"\x12\x12\x12\x92"],
)
def test_malformed_replies_raise(reply: bytes) -> None:
    with pytest.raises(StatusReplyError):
        parse_status_reply(reply)


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=4)))
def test_simulator_replies_parse_back(flags: tuple[bool, bool, bool, bool]) -> None:
    cover, out, near, cutter = flags
    condition = PrinterCondition(
        cover_open=cover, paper_out=out, paper_near_end=near, cutter_error=cutter
    )
    status = parse_status_reply(bytes(status_reply_byte(n, condition) for n in (1, 2, 3, 4)))
    expected = (
        PrinterFault.COVER_OPEN
        if cover
        else PrinterFault.PAPER_OUT
        if out
        else PrinterFault.CUTTER_ERROR
        if cutter
        else None
    )
    assert status.fault is expected
    assert status.paper_near_end == (near and not out)


def test_ack_and_status_bytes_cannot_be_confused() -> None:
    for byte in range(256):
        assert not (is_status_reply(byte) and is_print_ack(byte))
    assert is_print_ack(print_ack_byte(PrinterCondition()))
    assert is_print_ack(print_ack_byte(PrinterCondition(paper_near_end=True)))


def test_status_codes_for_catalogs() -> None:
    assert READY.code == "ready" and READY.ok
    assert PrinterStatus(paper_near_end=True).code == "paper-near-end"
    assert PrinterStatus(paper_near_end=True).ok
    assert PrinterStatus(PrinterFault.PAPER_OUT).code == "paper-out"
    assert not PrinterStatus(PrinterFault.DISCONNECTED).ok


def test_query_number_is_checked() -> None:
    with pytest.raises(ValueError):
        status_reply_byte(5, PrinterCondition())
