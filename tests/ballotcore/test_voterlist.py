"""The sealed voter list and invitation codes (ballotcore.voterlist, PROTOCOL 9.4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballotcore.rng import SeededRandom
from ballotcore.voterlist import (
    InvitationError,
    Voter,
    VoterList,
    VoterListError,
    invitation_text,
    new_invitation_key,
    open_voter_list,
    read_invitation,
    seal_voter_list,
)

_BAD_SEX: Any = "X"  # not L or P: what a bad CSV row gives
IDS = ("pilkades-2026", "1607012001", "001")


def _voters(n: int = 3) -> tuple[Voter, ...]:
    return tuple(
        Voter(i, f"16070150{i:08d}", f"Siti Aminah {i}", "P" if i % 2 else "L", 1980 + i, 1, 2)
        for i in range(1, n + 1)
    )


def _list(n: int = 3, ids: tuple[str, str, str] = IDS) -> VoterList:
    return VoterList(*ids, _voters(n), new_invitation_key(SeededRandom(b"inv")))


def test_round_trip_and_counts() -> None:
    vl = _list(5)
    assert VoterList.from_bytes(vl.to_bytes()) == vl
    assert vl.count_by_sex() == {"L": 2, "P": 3}
    assert vl.by_dpt()[4].name == "Siti Aminah 4"


def test_sealed_list_opens_only_with_its_kiosk_key_and_station() -> None:
    vl = _list()
    key = Ed25519PrivateKey.generate()
    sealed = seal_voter_list(vl, key)
    assert open_voter_list(sealed, key, *IDS) == vl
    # no personal data in plain bytes (positive control: the plain record has it)
    for v in vl.voters:
        assert v.nik.encode() in vl.to_bytes() and v.name.encode() in vl.to_bytes()
        assert v.nik.encode() not in sealed and v.name.encode() not in sealed
    with pytest.raises(VoterListError, match="kunci kiosk ini"):
        open_voter_list(sealed, Ed25519PrivateKey.generate(), *IDS)
    with pytest.raises(VoterListError, match="TPS lain"):
        open_voter_list(sealed, key, IDS[0], IDS[1], "002")
    damaged = bytearray(sealed)
    damaged[-10] = ord("0") if damaged[-10] != ord("0") else ord("1")
    with pytest.raises(VoterListError):
        open_voter_list(bytes(damaged), key, *IDS)
    with pytest.raises(VoterListError, match="rusak"):
        open_voter_list(b"not a record", key, *IDS)


def test_seal_moved_to_another_station_does_not_open() -> None:
    """Rewriting the station in the seal's clear header fails the associated data."""
    vl = _list()
    key = Ed25519PrivateKey.generate()
    sealed = seal_voter_list(vl, key).replace(b'"station":"001"', b'"station":"002"')
    with pytest.raises(VoterListError, match="kunci kiosk ini"):
        open_voter_list(sealed, key, IDS[0], IDS[1], "002")


def test_invitation_checks_station_and_mac() -> None:
    vl = _list(40)
    text = invitation_text(vl, 17)
    assert text.startswith("SDI1.1607012001.001.17.")
    assert read_invitation(text, vl) == 17
    assert read_invitation(f"  {text}\n", vl) == 17  # scanners add line ends
    other = _list(40, (IDS[0], IDS[1], "002"))
    with pytest.raises(InvitationError) as foreign:
        read_invitation(invitation_text(other, 17), vl)
    assert foreign.value.reason == "foreign"
    # same station codes, another key (a forged or another election's invitation)
    twin = VoterList(*IDS, vl.voters, new_invitation_key(SeededRandom(b"other")))
    with pytest.raises(InvitationError) as forged:
        read_invitation(invitation_text(twin, 17), vl)
    assert forged.value.reason == "forged"
    with pytest.raises(InvitationError) as renumbered:
        read_invitation(text.replace(".17.", ".18."), vl)
    assert renumbered.value.reason == "forged"
    for garbled in ("", "SDI1", text[:-1], text + "0", text.upper(), "https://x/?" + text):
        with pytest.raises(InvitationError) as bad:
            read_invitation(garbled, vl)
        assert bad.value.reason == "garbled", garbled
    with pytest.raises(VoterListError):
        invitation_text(vl, 41)


def test_invitation_with_dotted_codes() -> None:
    """Village codes such as the sample's "06.099.1206.17091" contain dots (allowed in ids):
    the text is read from the right and the rest compared whole with the station's codes."""
    vl = _list(5, (IDS[0], "06.099.1206.17091", "TPS-01"))
    text = invitation_text(vl, 3)
    assert text.startswith("SDI1.06.099.1206.17091.TPS-01.3.")
    assert read_invitation(text, vl) == 3
    for ids in ((IDS[0], "06.099.1206.17091", "TPS-02"), (IDS[0], "06.099.1206", "17091.TPS-01"),
                (IDS[0], "06.099.1206.1709", "TPS-01")):
        other = _list(5, ids)
        with pytest.raises(InvitationError) as foreign:
            read_invitation(invitation_text(other, 3), vl)
        # the same text with another split of the dots is the same station's text: the MAC
        # (over village and station separately) still refuses it
        assert foreign.value.reason == ("forged" if ids[1] + "." + ids[2] == "06.099.1206.17091.TPS-01"
                                        else "foreign")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda vs: vs[:1] + (Voter(1, "1607015000000009", "B", "L", 1990, 1, 1),), "ganda"),
        (lambda vs: vs[:1] + (Voter(2, vs[0].nik, "B", "L", 1990, 1, 1),), "NIK sama"),
        (lambda vs: (Voter(1, "12345", "A", "L", 1990, 1, 1),), "16 angka"),
        (lambda vs: (Voter(1, "1607015000000001", "A", _BAD_SEX, 1990, 1, 1),), "L atau P"),
        (lambda vs: (Voter(1, "1607015000000001", " ", "L", 1990, 1, 1),), "nama"),
        (lambda vs: (), "kosong"),
    ],
)
def test_malformed_lists_are_refused_with_the_entry(
    change: Callable[[tuple[Voter, ...]], tuple[Voter, ...]], message: str
) -> None:
    with pytest.raises(VoterListError, match=message):
        VoterList(*IDS, change(_voters(2)), bytes(32))
