"""Canonical record encoding: magic + version prefix, canonical JSON body.

Every record that is signed or exported is a JSON object whose encoding is canonical:
keys sorted by code point, no insignificant white space, UTF-8 without escapes for
non-ASCII text, integers only (no floats, |n| < 2**53), byte strings as lowercase hex,
no duplicate keys. Two reserved keys sort first ('$' precedes letters and digits):

    {"$magic":"SD/<kind>","$v":<version>,...}

so every record literally begins with the bytes `{"$magic":"SD/<kind>","$v":<version>,`
- a fixed magic and version prefix - and is still an ordinary JSON document any verifier
can read. A decoder accepts only bytes that re-encode to themselves.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ballotcore import group
from ballotcore.errors import CryptoError, RecordError
from ballotcore.limits import MAX_RECORD_BYTES

MAX_INT = 2**53


def _reject_float(text: str) -> Any:
    raise RecordError(f"floating-point number {text!r} is not allowed in a record")


def _reject_constant(text: str) -> Any:
    raise RecordError(f"{text} is not allowed in a record")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise RecordError(f"duplicate key {key!r}")
        result[key] = value
    return result


def canonical_json(value: Any) -> bytes:
    """The canonical UTF-8 encoding of a JSON value (see module docstring)."""
    _check_ints(value)
    try:
        return json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        ).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError("text holds a lone surrogate, which is not valid Unicode") from exc


def _check_ints(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not -MAX_INT < value < MAX_INT:
            raise RecordError("integer out of the range a record may hold")
        return
    if isinstance(value, float):
        raise RecordError("floating-point numbers are not allowed in a record")
    if isinstance(value, Mapping):
        for v in value.values():
            _check_ints(v)
        return
    if isinstance(value, list | tuple):
        for v in value:
            _check_ints(v)
        return
    raise RecordError(f"{type(value).__name__} cannot be encoded in a record")


def parse_canonical_json(data: bytes) -> Any:
    """Parse bytes that must be canonical JSON; reject anything else."""
    if len(data) > MAX_RECORD_BYTES:
        raise RecordError("record is too large")
    try:
        text = data.decode("utf-8")
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
        )
    except UnicodeDecodeError as exc:
        raise RecordError("record is not valid UTF-8") from exc
    except RecursionError as exc:
        raise RecordError("record is nested too deeply") from exc
    except json.JSONDecodeError as exc:
        raise RecordError(f"record is not valid JSON ({exc.msg} at byte {exc.pos})") from exc
    if canonical_json(value) != data:
        raise RecordError("record is not in canonical form")
    return value


def encode_record(kind: str, version: int, body: Mapping[str, Any]) -> bytes:
    """Encode `body` as a record of `kind` and `version`."""
    if "$magic" in body or "$v" in body:
        raise RecordError("record body may not set $magic or $v itself")
    return canonical_json({"$magic": f"SD/{kind}", "$v": version, **body})


def record_prefix(kind: str, version: int) -> bytes:
    """The exact bytes every record of this kind and version begins with."""
    return f'{{"$magic":"SD/{kind}","$v":{version},'.encode()


def decode_record(kind: str, version: int, data: bytes) -> dict[str, Any]:
    """Decode a record of `kind`/`version`, returning its body without $magic and $v."""
    if not data.startswith(record_prefix(kind, version)):
        if data.startswith(b'{"$magic":"SD/'):
            end = data.find(b'"', 14)
            found = data[14:end].decode("utf-8", "replace") if end > 0 else "?"
            if found == kind:
                raise RecordError(f"{kind} record has an unsupported version")
            raise RecordError(f"expected a {kind} record, found a {found} record")
        raise RecordError(f"not a SuaraDesa {kind} record")
    value = parse_canonical_json(data)
    del value["$magic"], value["$v"]
    return dict(value)


# ---------------------------------------------------------------- field helpers
# Typed accessors used by every record's from_body(): each raises RecordError naming
# the field, so a malformed record never produces a half-built object.


def field(body: Mapping[str, Any], name: str, kind: type) -> Any:
    """body[name], checked to be of `kind` (bool is not accepted as int)."""
    if name not in body:
        raise RecordError(f"missing field {name!r}")
    value = body[name]
    if kind is int and isinstance(value, bool):
        raise RecordError(f"field {name!r} must be an integer")
    if not isinstance(value, kind):
        raise RecordError(f"field {name!r} must be of type {kind.__name__}")
    return value


def expect_keys(body: Mapping[str, Any], allowed: set[str], where: str) -> None:
    """Reject unknown fields: a record means exactly what its fields say."""
    extra = set(body) - allowed
    if extra:
        raise RecordError(f"{where}: unknown field(s) {sorted(extra)}")
    missing = allowed - set(body)
    if missing:
        raise RecordError(f"{where}: missing field(s) {sorted(missing)}")


def hex_bytes(value: object, length: int | None = None, name: str = "value") -> bytes:
    """Decode lowercase hex of an optional exact length."""
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a hex string")
    if value != value.lower():
        raise RecordError(f"{name} must be lowercase hex")
    try:
        raw = bytes.fromhex(value)
    except ValueError as exc:
        raise RecordError(f"{name} is not valid hex") from exc
    if raw.hex() != value:
        raise RecordError(f"{name} is not canonical hex")
    if length is not None and len(raw) != length:
        raise RecordError(f"{name} must be {length} bytes, not {len(raw)}")
    return raw


def hex_point(value: object, *, allow_identity: bool = False, name: str = "point") -> bytes:
    """Decode a hex group element, rejecting non-canonical encodings."""
    raw = hex_bytes(value, group.POINT_BYTES, name)
    try:
        return group.decode_point(raw, allow_identity=allow_identity)
    except CryptoError as exc:
        raise RecordError(f"{name}: {exc}") from exc


def hex_scalar(value: object, name: str = "scalar") -> int:
    """Decode a hex scalar, rejecting values >= L."""
    raw = hex_bytes(value, group.SCALAR_BYTES, name)
    try:
        return group.decode_scalar(raw)
    except CryptoError as exc:
        raise RecordError(f"{name}: {exc}") from exc


def scalar_hex(k: int) -> str:
    """Hex of the canonical 32-byte little-endian encoding of a scalar."""
    return group.scalar_bytes(k).hex()
