"""Every timeout and polling interval of the hardware package, named in one place.

Values are in seconds unless the name says otherwise. Drivers take a clock and a sleep
function as arguments, so tests can run them against an injected clock; these constants
are only defaults.
"""

from __future__ import annotations

#: How long the printer has to answer a DLE EOT status query before it counts as
#: NOT_RESPONDING. Real printers answer real-time commands within milliseconds.
STATUS_REPLY_TIMEOUT = 0.8

#: Upper bound on the time between a printer fault and the driver noticing it while a
#: job is being sent. The driver queries status after every chunk (see
#: PRINT_CHUNK_BYTES), so at 9600 baud a chunk takes ~0.3 s plus the reply timeout.
FAULT_DETECTION_BUDGET = 2.0

#: Bytes sent between two status queries during a job. Chunks end on command
#: boundaries, so a larger single command (one raster band) may exceed this.
PRINT_CHUNK_BYTES = 256

#: How long a single write to the printer may block (a full receive buffer) before the
#: port is treated as unusable.
WRITE_TIMEOUT = 5.0

#: How often `wait_until_ready` polls printer status.
READY_POLL_INTERVAL = 0.1

#: Scanner reader: read timeout of one poll, which also bounds how late an inter-byte
#: timeout is noticed and how quickly `stop()` returns.
SCANNER_READ_POLL = 0.05

#: Scanner framing: a gap longer than this inside a frame ends the frame.
SCANNER_INTER_BYTE_TIMEOUT = 0.25

#: Scanner reader: wait between attempts to reopen an unplugged scanner.
SCANNER_RECONNECT_INTERVAL = 0.2

#: Simulators: how long one select() on the pty master waits, which bounds stop().
SIM_POLL = 0.02
