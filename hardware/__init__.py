"""Hardware drivers (ESC/POS receipt printer, serial QR scanner) and their simulators."""
