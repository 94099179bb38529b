"""Device simulators that speak the same bytes as the real devices, over a pty.

`PrinterSimulator` decodes ESC/POS and renders receipts to PNG and text;
`ScannerSimulator` emits scanner frames. Both run in a background thread, are context
managers, expose a stable `path` for pyserial, and have fault-injection methods.
"""
