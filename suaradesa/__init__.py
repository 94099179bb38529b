"""SuaraDesa command-line entry point (the `suaradesa` console command).

The domain code lives in `ballotcore`, `provisioning`, `kiosk`, `tally` and `hardware`;
this package only wires their click groups together.
"""
