"""`suaradesa tally ...`: the district tally commands (thin wrappers over the library).

    import   verify bundles, folders of bundles and results-QR photos into the database
    resolve  record an official's decision on a station with conflicting bundles
    paper-count  record officials' hand count of a station's audit-box paper records
    verify   re-verify everything held; --full checks every proof (processes or Dask)
    results  per-village results report: json, csv, html or pdf
    publish  static offline bulletin board: tracking codes and data to verify the tally
    serve    the district intake server and live dashboard (E-rekap)
    users    officials who may act through the server (`users add`)

Every domain failure is a `click.ClickException` (exit 1) with one sentence.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from ballotcore.limits import MAX_PUBLIC_RECORD_BYTES
from suaradesa.i18n import _
from tally.db import TallyDB
from tally.errors import TallyError

_DB = click.option(
    "--db",
    "db_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The tally database file (SQLite).",
)


def _open(db_path: Path, record: Path | None = None, authority: str | None = None) -> TallyDB:
    try:
        data = None
        if record is not None:
            if record.stat().st_size > MAX_PUBLIC_RECORD_BYTES:
                raise click.ClickException(_("{path} is too large to be a public record.").format(path=record))
            data = record.read_bytes()
        return TallyDB.open(db_path, data, authority)
    except OSError as exc:
        raise click.ClickException(_("Cannot read {path}: {error}.").format(
            path=exc.filename, error=exc.strerror)) from exc
    except TallyError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def group() -> None:
    """District tally: import, verify and report results across many villages."""


@group.command("import")
@_DB
@click.option("--record", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The public election record (election.json); needed to create the database.")
@click.option("--authority", metavar="KEYID",
              help="The authority key id published by the regency (checked against the record).")
@click.option("--quiet", is_flag=True, help="Print only the summary line.")
@click.option("--defer-proofs", is_flag=True,
              help="Run only the quick checks now; such stations are not counted until "
                   "'tally verify --full' has checked every proof.")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Local worker processes for the proof checks (default: one per CPU).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Check proofs on a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_cmd(db_path: Path, record: Path | None, authority: str | None, quiet: bool,
               defer_proofs: bool, workers: int | None, dask_address: str | None,
               paths: tuple[Path, ...]) -> None:
    """Import station bundles (.sdbundle), folders of them, and photos of results QR codes.

    Every bundle is verified in full (every ballot proof, the aggregate, every partial
    decryption, the counts against the event log) before it counts. The import is one
    transaction; every input is recorded as an incident. Rejected files are listed with
    their reason and change nothing else; the command then exits with status 1.
    """
    from tally.importer import import_paths
    from tally.progress import progress

    with _open(db_path, record, authority) as db:
        if authority is None and record is not None:
            click.echo(_("note: authority key id not given; the record is signed by {key} - "
                         "compare it with the published fingerprint").format(key=db.authority),
                       err=True)
        with progress("importing") as tick:
            try:
                report = import_paths(
                    db, list(paths), on_file=lambda _p: tick.advance(),
                    defer_proofs=defer_proofs, workers=workers or os.cpu_count() or 1,
                    dask=dask_address,
                )
            except OSError as exc:
                raise click.ClickException(
                    _("Verification engine failed: {error}.").format(error=exc)) from exc
    for o in report.outcomes:
        if not quiet or o.status == "rejected":
            where = f" [{o.station}]" if o.station else ""
            click.echo(f"{_(o.status):<11} {o.source}{where}: {o.message}")
    counts = ", ".join(
        f"{report.count(s)} {_(s)}"
        for s in ("accepted", "superseding", "conflict", "provisional", "duplicate", "rejected")
        if report.count(s)
    )
    click.echo(_("import: {counts}").format(counts=counts or _("nothing to import")))
    if report.rejected:
        raise click.ClickException(
            _("{n} input(s) rejected; everything else was imported.").format(
                n=len(report.rejected))
        )


@group.command("resolve")
@_DB
@click.option("--village", required=True, help="Village code.")
@click.option("--station", required=True, help="Station code, e.g. TPS-01.")
@click.option("--keep", required=True, metavar="DIGEST",
              help="The bundle to count: its digest or a unique prefix (see tally results).")
@click.option("--official", required=True, help="Name of the official deciding.")
@click.option("--reason", required=True, help="Why this bundle is the right one.")
def resolve_cmd(db_path: Path, village: str, station: str, keep: str, official: str,
                reason: str) -> None:
    """Resolve a conflict: count one of the bundles held for a station, set aside the rest."""
    from tally.resolve import resolve_conflict

    with _open(db_path) as db:
        try:
            kept = resolve_conflict(db, village, station, keep, official, reason)
        except TallyError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(_("resolved {village}/{station}: counting bundle {digest}").format(
        village=village, station=station, digest=kept[:16]))


@group.command("paper-count")
@_DB
@click.option("--village", required=True, help="Village code.")
@click.option("--station", required=True, help="Station code, e.g. TPS-01.")
@click.option("--count", "records", required=True, type=int,
              help="Paper records counted by hand in the station's audit box.")
@click.option("--official", required=True, help="Name of the official stating the count.")
def paper_count_cmd(db_path: Path, village: str, station: str, records: int,
                    official: str) -> None:
    """Record an official's hand count of a station's audit-box paper records."""
    from tally.paper import enter_paper_count

    with _open(db_path) as db:
        try:
            entry = enter_paper_count(db, village, station, records, user="",
                                      official=official, source="cli", remote="cli")
        except TallyError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(_("recorded {village}/{station}: {n} paper records, stated by {official}").format(
        village=village, station=station, n=entry.records, official=entry.official))


@group.command("verify")
@_DB
@click.option("--full", is_flag=True,
              help="Also re-verify every ballot proof, aggregate and partial decryption.")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Local worker processes for --full (default: one per CPU).")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run --full on a Dask distributed scheduler, e.g. tcp://10.0.0.5:8786.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def verify_cmd(db_path: Path, full: bool, workers: int | None, dask_address: str | None,
               as_json: bool) -> None:
    """Re-verify signatures, certificates, event logs and counts of everything imported.

    Exits with status 1 if any error is found; warnings (missing stations, conflicts,
    reconciliation findings) are listed but do not fail the command.
    """
    from tally.progress import progress
    from tally.verifier import verify_database

    if dask_address and not full:
        raise click.UsageError(_("--dask only applies to --full verification."))
    with _open(db_path) as db, progress("verifying") as tick:
        try:
            findings = verify_database(
                db, full=full, workers=workers or os.cpu_count() or 1, dask=dask_address,
                on_start=tick.set_total, on_done=tick.advance,
            )
        except OSError as exc:
            raise click.ClickException(
                _("Verification engine failed: {error}.").format(error=exc)) from exc
    if as_json:
        click.echo(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        for f in findings:
            where = f"{f.village}/{f.station}" if f.station else f.village
            click.echo(f"{_(f.severity):<7} {where} {f.subject}: {f.message}")
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    summary = f"verify{' --full' if full else ''}: " + _(
        "{errors} error(s), {warnings} warning(s)").format(errors=errors, warnings=warnings)
    click.echo(summary, err=as_json)  # with --json, stdout stays one JSON document
    if errors:
        raise click.ClickException(_("{n} verification error(s) found.").format(n=errors))


@group.command("results")
@_DB
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "html", "pdf"]),
              required=True, help="Report format.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Output file.")
def results_cmd(db_path: Path, fmt: str, out: Path) -> None:
    """Per-village results: votes, winner (ties flagged), turnout, stations, status."""
    from tally.model import build_view

    with _open(db_path) as db:
        view = build_view(db)
    if fmt == "json":
        from tally.report import to_json

        data = to_json(view).encode("utf-8")
    elif fmt == "csv":
        from tally.report import to_csv

        data = to_csv(view).encode("utf-8")
    elif fmt == "html":
        from tally.report_html import to_html

        data = to_html(view).encode("utf-8")
    else:
        from tally.report_pdf import to_pdf

        data = to_pdf(view)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise click.ClickException(_("Cannot write {path}: {error}.").format(
            path=out, error=exc.strerror)) from exc
    summary = view.summary()
    click.echo(_("wrote {path}: {villages} villages, {complete} complete").format(
        path=out, villages=summary["villages"], complete=summary["villages_complete"]))


@group.command("publish")
@_DB
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the static bulletin board (created; must be empty if it exists).")
def publish_cmd(db_path: Path, out: Path) -> None:
    """Write an offline bulletin board: every tracking code per village, and the data to
    verify each village's tally, with a search box."""
    from tally.progress import progress
    from tally.publish import publish

    with _open(db_path) as db, progress("publishing") as tick:
        try:
            n = publish(db, out, on_start=tick.set_total, on_done=tick.advance)
        except TallyError as exc:
            raise click.ClickException(str(exc)) from exc
        except OSError as exc:
            raise click.ClickException(
                _("Cannot write the bulletin board: {error}.").format(error=exc)) from exc
    click.echo(_("published {n} tracking codes to {path}").format(n=n, path=f"{out}/index.html"))


@group.command("serve")
@_DB
@click.option("--record", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The public election record (election.json); needed to create the database.")
@click.option("--authority", metavar="KEYID",
              help="The authority key id published by the regency (checked against the record).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the district LAN address to serve other machines).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True,
              help="TCP port.")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Worker processes verifying bundles (default: one per CPU).")
@click.option("--deliveries-per-minute", type=click.FloatRange(0.1, 1e6), default=120.0,
              show_default=True, help="Deliveries each client address may send per minute.")
@click.option("--secure-cookies", is_flag=True,
              help="Mark session cookies Secure (when served behind HTTPS).")
def serve_cmd(db_path: Path, record: Path | None, authority: str | None, host: str, port: int,
              workers: int | None, deliveries_per_minute: float, secure_cookies: bool) -> None:
    """Serve the intake API and the live dashboard over the tally database.

    Stations (`suaradesa kiosk send`) and phones (the /kirim page) deliver bundles and
    results-QR photos; each is imported exactly as `tally import` would, in its own
    transaction. Officials log in (see `tally users add`) to resolve conflicts.
    """
    import uvicorn

    from tally.server.app import create_app
    from tally.server.config import ServerConfig
    from tally.server.headtimeout import head_timeout_protocol

    _open(db_path, record, authority).close()
    config = ServerConfig(workers=workers or os.cpu_count() or 1,
                          deliveries_per_minute=deliveries_per_minute,
                          secure_cookies=secure_cookies)
    click.echo(f"E-rekap: http://{host}:{port}/ (database {db_path})", err=True)
    # limit_concurrency: past 512 open connections uvicorn answers 503 at once
    # http: uvicorn's h11 protocol with a request-head timeout (slow-header clients)
    uvicorn.run(create_app(db_path, config), host=host, port=port, proxy_headers=False,
                timeout_graceful_shutdown=5, limit_concurrency=512, log_level="warning",
                server_header=False, http=head_timeout_protocol(config.head_timeout_s))


@group.group("users")
def users_group() -> None:
    """Officials who may log in to the intake server."""


@users_group.command("add")
@_DB
@click.option("--name", "user", required=True, help="Login name (a-z, 0-9, . _ -).")
@click.option("--display", required=True, help="The official's full name, for the audit log.")
@click.password_option("--password", help="The password (asked for when not given).")
def users_add_cmd(db_path: Path, user: str, display: str, password: str) -> None:
    """Add an official (or set a new password: their open sessions end)."""
    from tally.importer import utc_now
    from tally.server.auth import add_user

    with _open(db_path) as db:
        try:
            add_user(db, user, display, password, utc_now())
        except TallyError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(_("user {user} saved (Argon2id)").format(user=user))
