"""Scanner framing: bytes from a serial QR scanner in, payloads and rejections out.

Pure functions over an immutable `FramerState`; the reader thread (`hardware.scanner`)
feeds them bytes with the time they arrived. Rules, in order of precedence:

* A terminator byte (CR or LF by default) ends a frame. Empty frames (the LF of a
  CR LF pair) are skipped silently.
* A frame longer than `max_length` is rejected as OVERSIZE; bytes are dropped until
  the next terminator, so the tail of a long frame is not mistaken for a new one.
* A gap longer than `inter_byte_timeout` inside a frame ends it. With terminators
  configured, such a fragment is rejected as TIMEOUT (line noise, a half-sent code);
  with no terminators (`terminators=b""`), the gap is what ends every frame.
* A frame that is not UTF-8, or holds control characters, is rejected as GARBAGE.

Rejections carry only a reason and a length: payloads may hold secrets (a trustee
card) and must not reach a log.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

from hardware import timeouts as t


@dataclass(frozen=True)
class FramingConfig:
    """How a scanner marks the end of a payload."""

    terminators: bytes = b"\r\n"
    max_length: int = 4096
    inter_byte_timeout: float = t.SCANNER_INTER_BYTE_TIMEOUT


class RejectReason(Enum):
    GARBAGE = "garbage"
    OVERSIZE = "oversize"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class Payload:
    """One scanned payload, decoded as UTF-8, terminator removed."""

    text: str


@dataclass(frozen=True)
class Rejected:
    """Bytes that did not form a payload: why, and how many bytes were dropped."""

    reason: RejectReason
    length: int


FrameEvent = Payload | Rejected


@dataclass(frozen=True)
class FramerState:
    """Bytes of the frame in progress, when the last byte came, and overflow."""

    buffer: bytes = b""
    last_byte_at: float | None = None
    dropped: int = 0  # > 0 while discarding an oversize frame

    @property
    def idle(self) -> bool:
        return not self.buffer and not self.dropped


def _finish(buffer: bytes) -> FrameEvent:
    try:
        text = buffer.decode("utf-8")
    except UnicodeDecodeError:
        return Rejected(RejectReason.GARBAGE, len(buffer))
    if not text.isprintable():
        return Rejected(RejectReason.GARBAGE, len(buffer))
    return Payload(text)


def _end_of_gap(state: FramerState, config: FramingConfig) -> tuple[FramerState, list[FrameEvent]]:
    """The frame in progress ended by silence."""
    events: list[FrameEvent] = []
    if state.dropped:
        events.append(Rejected(RejectReason.OVERSIZE, state.dropped))
    elif state.buffer:
        if config.terminators:
            events.append(Rejected(RejectReason.TIMEOUT, len(state.buffer)))
        else:
            events.append(_finish(state.buffer))
    return FramerState(), events


def expire(
    state: FramerState, now: float, config: FramingConfig
) -> tuple[FramerState, list[FrameEvent]]:
    """Close a frame whose bytes stopped coming more than `inter_byte_timeout` ago."""
    if state.idle or state.last_byte_at is None:
        return state, []
    if now - state.last_byte_at <= config.inter_byte_timeout:
        return state, []
    return _end_of_gap(state, config)


def feed(
    state: FramerState, data: bytes, now: float, config: FramingConfig
) -> tuple[FramerState, list[FrameEvent]]:
    """Add `data`, received at `now`; return the new state and completed frames."""
    state, events = expire(state, now, config)
    buffer = bytearray(state.buffer)
    dropped = state.dropped
    for byte in data:
        if byte in config.terminators:
            if dropped:
                events.append(Rejected(RejectReason.OVERSIZE, dropped))
            elif buffer:
                events.append(_finish(bytes(buffer)))
            buffer.clear()
            dropped = 0
        elif dropped:
            dropped += 1
        elif len(buffer) >= config.max_length:
            dropped = len(buffer) + 1
            buffer.clear()
        else:
            buffer.append(byte)
    new_state = replace(
        state,
        buffer=bytes(buffer),
        dropped=dropped,
        last_byte_at=now if data else state.last_byte_at,
    )
    return new_state, events


def reset(state: FramerState) -> tuple[FramerState, list[FrameEvent]]:
    """The line dropped (scanner unplugged): anything in progress is a TIMEOUT fragment."""
    if state.dropped:
        return FramerState(), [Rejected(RejectReason.OVERSIZE, state.dropped)]
    if state.buffer:
        return FramerState(), [Rejected(RejectReason.TIMEOUT, len(state.buffer))]
    return FramerState(), []
