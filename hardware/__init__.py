"""Hardware drivers (ESC/POS receipt printer, serial QR scanner) and their simulators.

Nothing here imports kiosk, tally or provisioning: receipt content arrives as the frozen
dataclasses in `hardware.receipts`. The package re-exports nothing, so that importing
one light module (the tally's `hardware.qrparts`) does not load pyserial or Pillow.

Entry points: `hardware.printer.SerialPrinter`, `hardware.scanner.SerialScanner`,
`hardware.sim.printer_sim.PrinterSimulator`, `hardware.sim.scanner_sim.ScannerSimulator`,
`hardware.qrparts.join_qr_parts`. Exceptions: `hardware.errors`. Protocol subset, QR
part framing, fault handling and simulators: docs/HARDWARE.md.
"""
