"""Election definition rules: each violation names the offending field."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from ballotcore.election import ElectionDefinition, parse_definition
from ballotcore.errors import DefinitionError, RecordError
from tests.ballotcore.conftest import definition_body

V0 = "village 16.07.01.2001"
V1 = "village 16.07.01.2002"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(body: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        obj: Any = body
        for p in parents:
            obj = obj[int(p)] if p.isdigit() else obj[p]
        if value is _DELETE:
            del obj[int(last) if last.isdigit() else last]
        else:
            obj[int(last) if last.isdigit() else last] = value

    return edit


_DELETE = object()

CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("duplicate ballot number", _set("villages.0.candidates.1.number", 1), f"{V0}.candidates"),
    ("gap in ballot numbers", _set("villages.0.candidates.2.number", 4), f"{V0}.candidates"),
    ("ballot number zero", _set("villages.0.candidates.0.number", 0), f"{V0}.candidates"),
    (
        "one candidate",
        _set("villages.0.candidates", [{"number": 1, "name": "A"}]),
        f"{V0}.candidates",
    ),
    ("no candidates", _set("villages.0.candidates", []), f"{V0}.candidates"),
    ("single with two", _set("villages.0.single_candidate", True), f"{V0}.candidates"),
    (
        "21 candidates",
        _set("villages.0.candidates", [{"number": i, "name": f"C{i}"} for i in range(1, 22)]),
        f"{V0}.candidates",
    ),
    (
        "bool ballot number",
        _set("villages.0.candidates.0.number", True),
        f"{V0}.candidates[0].number",
    ),
    ("empty name", _set("villages.0.candidates.0.name", "  "), f"{V0}.candidates[0].name"),
    ("padded name", _set("villages.0.candidates.0.name", " Siti"), f"{V0}.candidates[0].name"),
    ("control char", _set("villages.0.candidates.0.name", "Si\nti"), f"{V0}.candidates[0].name"),
    ("photo path", _set("villages.0.candidates.0.photo", "../x.png"), f"{V0}.candidates[0].photo"),
    ("hidden photo", _set("villages.0.candidates.0.photo", ".x.png"), f"{V0}.candidates[0].photo"),
    ("k > n", _set("villages.0.threshold", 4), f"{V0}.threshold"),
    ("k = 0", _set("villages.0.threshold", 0), f"{V0}.threshold"),
    ("k not int", _set("villages.0.threshold", "2"), f"{V0}.threshold"),
    ("no trustees", _set("villages.1.trustees", []), f"{V1}.trustees"),
    ("trustee index gap", _set("villages.0.trustees.2.index", 4), f"{V0}.trustees"),
    ("zero DPT", _set("villages.0.stations.0.dpt", 0), f"{V0}.stations[0].dpt"),
    ("negative DPT", _set("villages.0.stations.1.dpt", -5), f"{V0}.stations[1].dpt"),
    ("huge DPT", _set("villages.0.stations.0.dpt", 100_001), f"{V0}.stations[0].dpt"),
    ("no stations", _set("villages.0.stations", []), f"{V0}.stations"),
    ("duplicate station", _set("villages.0.stations.1.code", "TPS-01"), f"{V0}.stations"),
    ("bad station code", _set("villages.0.stations.0.code", "TPS 01"), f"{V0}.stations[0].code"),
    ("duplicate village", _set("villages.1.code", "16.07.01.2001"), "election.villages"),
    ("no villages", _set("villages", []), "election.villages"),
    ("bad village code", _set("villages.0.code", "/etc"), "villages[0].code"),
    ("village not an object", _set("villages.0", "x"), "villages[0]"),
    ("missing district", _set("villages.0.district", _DELETE), f"{V0}.district"),
    ("bad date", _set("date", "2025-13-01"), "election.date"),
    ("short date", _set("date", "20251102"), "election.date"),
    ("date with time", _set("date", "2025-11-02T00:00"), "election.date"),
    ("date not a string", _set("date", 20251102), "election.date"),
    ("no languages", _set("languages", []), "election.languages"),
    ("language not str", _set("languages", [1]), "election.languages"),
    ("bad election id", _set("election_id", ""), "election.election_id"),
    ("missing name", _set("name", _DELETE), "election.name"),
    ("name too long", _set("name", "x" * 201), "election.name"),
    ("single flag not bool", _set("villages.1.single_candidate", 1), f"{V1}.single_candidate"),
]


@pytest.mark.parametrize("name, edit, field", CASES, ids=[c[0] for c in CASES])
def test_rule_violations_name_the_field(
    name: str, edit: Callable[[dict[str, Any]], None], field: str
) -> None:
    body = copy.deepcopy(definition_body())
    parse_definition(body)  # the unedited body is valid
    edit(body)
    with pytest.raises(DefinitionError) as info:
        parse_definition(body)
    assert info.value.field == field, str(info.value)
    assert str(info.value).startswith(field + ": ")


def test_week_date_is_rejected() -> None:
    body = definition_body()
    body["date"] = "2025-W44-7"
    with pytest.raises(DefinitionError):
        parse_definition(body)


def test_unknown_keys_are_rejected() -> None:
    body = definition_body()
    body["villages"][0]["candidates"][0]["phto"] = "c1.png"
    with pytest.raises(DefinitionError):
        parse_definition(body)


def test_valid_definition_round_trip(definition: ElectionDefinition) -> None:
    assert definition.village("16.07.01.2001").dpt == 550
    assert definition.village("16.07.01.2002").single_candidate
    assert definition.village("16.07.01.2001").station("TPS-02").dpt == 250
    with pytest.raises(KeyError):
        definition.village("nope")
    data = definition.to_bytes()
    assert data.startswith(b'{"$magic":"SD/definition","$v":1,')
    again = ElectionDefinition.from_bytes(data)
    assert again == definition and again.to_bytes() == data
    assert len(definition.digest()) == 32
    # candidates given out of order are stored by ballot number
    body = definition_body()
    body["villages"][0]["candidates"].reverse()
    assert parse_definition(body) == definition
    bad = data.replace(b'"threshold":2', b'"threshold":9')
    with pytest.raises(RecordError, match="threshold"):
        ElectionDefinition.from_bytes(bad)


def _documents_body() -> dict[str, Any]:
    """The small definition with every optional document field set."""
    body = definition_body()
    body["time_zone"] = "WIB"
    village = body["villages"][0]
    village["stations"][0].update({"dpt_male": 140, "dpt_female": 160, "dptb": 4})
    village["committee"] = [{"name": "Hasan Lubis", "role": "Ketua", "signs": True},
                            {"name": "Ani Rahman", "role": "Anggota", "signs": False}]
    return body


def test_document_fields_round_trip() -> None:
    definition = parse_definition(_documents_body())
    assert definition.time_zone == "WIB"
    station = definition.village("16.07.01.2001").station("TPS-01")
    assert (station.dpt_male, station.dpt_female, station.dptb) == (140, 160, 4)
    committee = definition.village("16.07.01.2001").committee
    assert [(m.name, m.signs) for m in committee] == [("Hasan Lubis", True), ("Ani Rahman", False)]
    assert ElectionDefinition.from_bytes(definition.to_bytes()) == definition


def test_definitions_without_document_fields_keep_their_bytes() -> None:
    """Backward compatibility: the optional fields are absent from the canonical body when
    unset, so a definition written before they existed has the same bytes and hash."""
    old = definition_body()
    definition = parse_definition(old)
    assert definition.time_zone is None and definition.village("16.07.01.2001").committee == ()
    assert definition.village("16.07.01.2001").station("TPS-01").dpt_male is None
    body = definition.to_body()
    assert "time_zone" not in body and "committee" not in body["villages"][0]
    assert body["villages"][0]["stations"][0] == {"code": "TPS-01", "dpt": 300}
    assert parse_definition(_documents_body()).digest() != definition.digest()  # control


@pytest.mark.parametrize(("change", "field", "problem"), [
    (lambda b: b["villages"][0]["stations"][0].pop("dpt_female"), "dpt_male", "come together"),
    (lambda b: b["villages"][0]["stations"][0].update(dpt_female=10), "dpt_male", "is not dpt"),
    (lambda b: b["villages"][0]["stations"][0].update(dptb=-1), "dptb", "between 0"),
    (lambda b: b["villages"][0].update(committee=[]), "committee", "is empty"),
    (lambda b: b["villages"][0]["committee"][0].update(signs=False)
     or b["villages"][0]["committee"].pop(1), "committee", "no member signs"),
    (lambda b: b["villages"][0]["committee"][0].pop("role"), "role", "is missing"),
])
def test_document_field_errors_name_the_field(change: Callable[[dict[str, Any]], None],
                                              field: str, problem: str) -> None:
    body = _documents_body()
    parse_definition(copy.deepcopy(body))  # positive control: valid before the change
    change(body)
    with pytest.raises(DefinitionError, match=problem) as info:
        parse_definition(body)
    assert field in str(info.value)


def test_time_zone_and_bulletin_board_are_optional_and_canonical() -> None:
    """Absent: left out of the bytes (old definitions keep their hash); present: kept,
    and the zone gives the local offset. A null or an unknown zone is refused."""
    body = definition_body()
    plain = parse_definition(body)
    assert "time_zone" not in plain.to_body() and plain.zone.utcoffset(None).seconds == 7 * 3600
    assert "bulletin_board" not in plain.to_body()["villages"][0]
    body2 = copy.deepcopy(body)
    body2["time_zone"] = "WITA"
    body2["villages"][0]["bulletin_board"] = "Balai Desa Sukamaju"
    marked = parse_definition(body2)
    assert marked.zone.tzname(None) == "WITA" and marked.zone.utcoffset(None).seconds == 8 * 3600
    assert marked.villages[0].bulletin_board == "Balai Desa Sukamaju"
    assert ElectionDefinition.from_bytes(marked.to_bytes()) == marked
    assert marked.digest() != plain.digest()
    for key, value in (("time_zone", None), ("time_zone", "UTC")):
        bad = copy.deepcopy(body)
        bad[key] = value
        with pytest.raises(DefinitionError, match="time_zone"):
            parse_definition(bad)
