"""E-rekap: the district intake server (`suaradesa tally serve`) and its live dashboard.

    config     every limit and timeout of the server, named in one place
    limits     per-client rate limits (token buckets) and the bounded body reader
    auth       officials: Argon2id passwords, sessions, CSRF tokens (audit rows: tally.audit)
    intake     deliveries -> `tally.importer.import_delivery`, one writer, a view cache
    app        the Starlette application: the JSON API, the dashboard, Server-Sent Events
    headtimeout  uvicorn's h11 protocol with a request-head timeout (slow-header clients)

Deliveries authenticate themselves by their signatures, so uploading needs no account;
what counts is decided by the same code as `tally import` (docs/TALLY.md, "Server").
"""
