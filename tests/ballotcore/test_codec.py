"""Canonical JSON and the record envelope: exactly one byte string per record."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from ballotcore import codec
from ballotcore.codec import (
    canonical_json,
    decode_record,
    encode_record,
    hex_bytes,
    hex_point,
    hex_scalar,
    parse_canonical_json,
    record_prefix,
)
from ballotcore.errors import RecordError
from ballotcore.group import IDENTITY, G, L
from tests.ballotcore.strategies import json_values


@given(json_values)
@settings(max_examples=150, deadline=None)
def test_canonical_json_round_trips(value: Any) -> None:
    data = canonical_json(value)
    assert parse_canonical_json(data) == value
    assert canonical_json(parse_canonical_json(data)) == data


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":1, "b":2}',  # white space
        b' {"a":1}',
        b'{"a":1}\n',
        b'{\n"a":1}',
        b'{"b":1,"a":2}',  # unsorted keys
        b'{"a":1,"a":1}',  # duplicate keys
        b'{"a":{"x":1,"x":2}}',  # nested duplicate
        b'{"a":1.0}',  # float
        b'{"a":1e3}',  # exponent
        b'{"a":-0}',
        b'{"a":01}',
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":9007199254740992}',  # 2**53
        b'{"a":"\\u0041"}',  # unnecessary escape
        b'{"a":"\\u00e9"}',  # non-ASCII must be raw UTF-8
        b'{"a":"\\/"}',
        b'\xef\xbb\xbf{"a":1}',  # BOM
        b'{"a":"\xff"}',  # not UTF-8
        b'{"a":1',  # truncated
        b"[" * 100_000 + b"]" * 100_000,  # recursion
    ],
)
def test_non_canonical_json_is_rejected(data: bytes) -> None:
    with pytest.raises(RecordError):
        parse_canonical_json(data)


def test_canonical_rules_in_detail() -> None:
    assert (
        canonical_json({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )
    # Key order is by Unicode code point, '$' (0x24) before digits and letters.
    assert canonical_json({"a": 0, "$v": 1, "Z": 2, "1": 3}) == b'{"$v":1,"1":3,"Z":2,"a":0}'
    assert canonical_json({"\U0001f600": 1, "\uffff": 2}) == '{"\uffff":2,"\U0001f600":1}'.encode()
    assert canonical_json('\n"\\') == b'"\\n\\"\\\\"'
    for bad in (1.5, 2**53, -(2**53), {1, 2}, b"x"):
        with pytest.raises(RecordError):
            canonical_json(bad)


def test_lone_surrogate_is_a_record_error() -> None:
    # Regression (found by this suite): used to escape as UnicodeEncodeError.
    with pytest.raises(RecordError):
        parse_canonical_json(b'["\\ud800"]')
    with pytest.raises(RecordError):
        canonical_json({"a": "\udfff"})


def test_record_prefix_and_decode() -> None:
    data = encode_record("test", 3, {"x": 1, "a": "b"})
    assert data == b'{"$magic":"SD/test","$v":3,"a":"b","x":1}'
    assert data.startswith(record_prefix("test", 3))
    assert decode_record("test", 3, data) == {"a": "b", "x": 1}
    with pytest.raises(RecordError, match="found a test record"):
        decode_record("ballot", 3, data)
    with pytest.raises(RecordError, match="unsupported version"):
        decode_record("test", 1, data)
    with pytest.raises(RecordError, match="unsupported version"):
        decode_record("test", 3, data.replace(b'"$v":3', b'"$v":30'))
    with pytest.raises(RecordError):
        decode_record("test", 3, b'{"$magic":"SD/tesT","$v":3,"a":"b","x":1}')
    with pytest.raises(RecordError, match="not a SuaraDesa"):
        decode_record("test", 3, b'{"$magic":"XX/test","$v":3,"a":"b","x":1}')
    with pytest.raises(RecordError):  # prefix right, rest not canonical
        decode_record("test", 3, b'{"$magic":"SD/test","$v":3,"x":1,"a":"b"}')
    with pytest.raises(RecordError):
        encode_record("test", 1, {"$v": 2})


def test_hex_helpers() -> None:
    assert hex_bytes("00ff", 2) == b"\x00\xff"
    for bad in ("00FF", "0g", "0", " 00", "00 ", 5, None):
        with pytest.raises(RecordError):
            hex_bytes(bad)
    with pytest.raises(RecordError):
        hex_bytes("00", 2)
    assert hex_point(G.hex()) == G
    with pytest.raises(RecordError):
        hex_point(G.hex().upper())
    with pytest.raises(RecordError, match="identity"):
        hex_point(IDENTITY.hex())
    assert hex_point(IDENTITY.hex(), allow_identity=True) == IDENTITY
    assert hex_scalar(codec.scalar_hex(L - 1)) == L - 1
    with pytest.raises(RecordError):
        hex_scalar(L.to_bytes(32, "little").hex())
    with pytest.raises(RecordError):
        hex_scalar((2**256 - 1).to_bytes(32, "little").hex())


def test_field_helpers() -> None:
    body = {"n": 1, "flag": True, "s": "x"}
    assert codec.field(body, "n", int) == 1
    with pytest.raises(RecordError):
        codec.field(body, "flag", int)  # bool is not an integer here
    with pytest.raises(RecordError):
        codec.field(body, "missing", int)
    with pytest.raises(RecordError):
        codec.field(body, "s", int)
    codec.expect_keys(body, {"n", "flag", "s"}, "t")
    with pytest.raises(RecordError, match="unknown"):
        codec.expect_keys(body, {"n", "flag"}, "t")
    with pytest.raises(RecordError, match="missing"):
        codec.expect_keys(body, {"n", "flag", "s", "t"}, "t")
