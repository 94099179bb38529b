"""Scanner framing as pure functions: terminators, oversize, gaps, garbage."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.scanframe import (
    FrameEvent,
    FramerState,
    FramingConfig,
    Payload,
    Rejected,
    RejectReason,
    expire,
    feed,
    reset,
)

CONFIG = FramingConfig(terminators=b"\r\n", max_length=16, inter_byte_timeout=0.25)


def _run(
    chunks: list[tuple[bytes, float]], config: FramingConfig = CONFIG
) -> tuple[FramerState, list[FrameEvent]]:
    state = FramerState()
    events: list[FrameEvent] = []
    for data, now in chunks:
        state, new = feed(state, data, now, config)
        events += new
    return state, events


def test_crlf_terminated_payloads() -> None:
    _, events = _run([(b"SDQR1 1/1\r\nabc\r\n", 0.0)])
    assert events == [Payload("SDQR1 1/1"), Payload("abc")]


def test_a_payload_may_arrive_in_pieces() -> None:
    state, events = _run([(b"ab", 0.0), (b"c", 0.1), (b"d\r", 0.2)])
    assert events == [Payload("abcd")] and state.idle


def test_oversize_frames_are_dropped_up_to_the_next_terminator() -> None:
    _, events = _run([(b"x" * 40, 0.0), (b"y" * 10 + b"\r\nok\r\n", 0.1)])
    assert events == [Rejected(RejectReason.OVERSIZE, 50), Payload("ok")]


def test_exactly_max_length_is_accepted() -> None:
    _, events = _run([(b"z" * 16 + b"\n", 0.0)])
    assert events == [Payload("z" * 16)]


def test_garbage_is_rejected_and_the_next_payload_survives() -> None:
    _, events = _run([(b"\x00\xff\xfe\x1b\r\n", 0.0), (b"good\r\n", 0.01)])
    assert events == [Rejected(RejectReason.GARBAGE, 4), Payload("good")]


def test_control_characters_make_a_frame_garbage() -> None:
    _, events = _run([(b"ab\x07cd\n", 0.0)])
    assert events == [Rejected(RejectReason.GARBAGE, 5)]


def test_utf8_payloads_are_decoded() -> None:
    _, events = _run([("Désa".encode() + b"\n", 0.0)])
    assert events == [Payload("Désa")]


def test_a_gap_inside_a_frame_drops_the_fragment() -> None:
    _, events = _run([(b"half", 0.0), (b"new\r\n", 1.0)])
    assert events == [Rejected(RejectReason.TIMEOUT, 4), Payload("new")]


def test_expire_closes_a_fragment_only_after_the_timeout() -> None:
    state, _ = _run([(b"half", 0.0)])
    same, events = expire(state, 0.2, CONFIG)
    assert same == state and events == []
    state, events = expire(state, 0.3, CONFIG)
    assert events == [Rejected(RejectReason.TIMEOUT, 4)] and state.idle


def test_gap_terminated_mode_when_no_terminator_is_configured() -> None:
    config = FramingConfig(terminators=b"", max_length=16, inter_byte_timeout=0.25)
    state, events = _run([(b"abc", 0.0), (b"def", 0.1)], config)
    assert events == []
    state, events = expire(state, 0.5, config)
    assert events == [Payload("abcdef")]


def test_reset_reports_what_was_in_progress() -> None:
    state, _ = _run([(b"partial", 0.0)])
    assert reset(state) == (FramerState(), [Rejected(RejectReason.TIMEOUT, 7)])
    assert reset(FramerState()) == (FramerState(), [])


_PAYLOAD = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp", "Cf", "Co", "Cn", "Zs"]),
    min_size=1,
    max_size=5,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_PAYLOAD, min_size=1, max_size=8), st.data())
def test_any_chunking_yields_the_same_payloads(texts: list[str], data: st.DataObject) -> None:
    stream = b"".join(text.encode() + b"\r\n" for text in texts)
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(stream) - 1)), max_size=10)))
    pieces = [stream[a:b] for a, b in zip([0, *cuts], [*cuts, len(stream)], strict=True)]
    # Up to 5 characters of up to 4 UTF-8 bytes: within max_length, so never oversize.
    config = FramingConfig(max_length=20, inter_byte_timeout=0.25)
    _, events = _run([(piece, index * 0.01) for index, piece in enumerate(pieces)], config)
    assert events == [Payload(text) for text in texts]
