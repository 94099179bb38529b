"""The exceptions the kiosk engine raises on purpose, in one tree.

Every expected failure (a wrong PIN, a refused transition, a printer that cannot print
the zero report) is a `KioskError` carrying three things the touchscreen needs:

* `message_id`: a stable id the GUI looks up in its message catalog (`kiosk.pin.wrong`);
* `indonesian`: the sentence in Bahasa Indonesia (shown first);
* `english`: the same sentence in English (also `str(error)`).

Unexpected failures (a bug, a corrupted database) are *not* KioskErrors: they propagate
and the appliance shows "out of service" and restarts, never a silent wrong state::

    KioskError
    ├── PackageRejected        the election package does not verify
    ├── StorageError           the database cannot be opened or has an unknown schema
    ├── LockedError            the database is still locked: an officer must log in
    ├── NotInstalled           the package is not installed on this kiosk yet (install code)
    ├── InstallRefused         an installation code was refused (.reason); nothing changed
    ├── PinError               an officer PIN was refused
    │   ├── PinRejected            the PIN is wrong (attempts left in .remaining)
    │   ├── PinWait                too many wrong PINs: wait .seconds before trying again
    │   ├── PinLockedOut           15 wrong PINs: locked until a one-time unlock code
    │   └── UnlockRefused          an unlock code was refused (.reason: garbled, foreign,
    │                              used, not-locked)
    ├── TransitionRefused      the polls or voter-session state does not allow this action
    ├── CheckInRefused         a poll-book check-in was refused (.reason: already, garbled,
    │                          foreign, forged, unknown, invalid, no-list; .first_time)
    ├── SelectionError         a candidate number that is not on this ballot, or no choice
    ├── SessionTimedOut        the voter session was voided by the idle timeout
    ├── NotReady               readiness checks failed (.failures lists them)
    ├── PrinterUnavailable     a report that must be printed (zero report) could not be
    ├── TrusteeError           a trustee card or PIN was refused, or came twice
    ├── NotEnoughTrustees      fewer than k trustees: results cannot be computed yet
    └── ExportError            the bundle could not be written or did not verify on read-back
"""

from __future__ import annotations


class KioskError(Exception):
    """Base class: a failure the GUI shows to a person, in Indonesian and English."""

    message_id = "kiosk.error"

    def __init__(self, english: str, indonesian: str | None = None, message_id: str | None = None):
        super().__init__(english)
        self.english = english
        self.indonesian = indonesian if indonesian is not None else english
        if message_id is not None:
            self.message_id = message_id


class PackageRejected(KioskError):
    message_id = "kiosk.package.rejected"

    def __init__(self, reason: str):
        super().__init__(
            f"The election package was refused: {reason}",
            f"Paket pemilihan ditolak: {reason}",
        )


class StorageError(KioskError):
    message_id = "kiosk.storage.error"

    def __init__(self, english: str, indonesian: str | None = None):
        super().__init__(english, indonesian or f"Penyimpanan bermasalah: {english}")


class LockedError(KioskError):
    message_id = "kiosk.locked"

    def __init__(self) -> None:
        super().__init__(
            "The kiosk is locked: an officer must enter a PIN first.",
            "Kios terkunci: petugas harus memasukkan PIN terlebih dahulu.",
        )


class PinError(KioskError):
    message_id = "kiosk.pin.error"


class PinRejected(PinError):
    message_id = "kiosk.pin.wrong"

    def __init__(self, remaining: int):
        self.remaining = remaining
        super().__init__(
            f"Wrong PIN ({remaining} attempts left before waiting is required).",
            f"PIN salah (sisa {remaining} percobaan sebelum harus menunggu).",
        )


class PinWait(PinError):
    message_id = "kiosk.pin.wait"

    def __init__(self, seconds: float):
        self.seconds = seconds
        s = int(seconds + 0.999)
        super().__init__(
            f"Too many wrong PINs: wait {s} seconds before trying again.",
            f"Terlalu banyak PIN salah: tunggu {s} detik sebelum mencoba lagi.",
        )


class PinLockedOut(PinError):
    message_id = "kiosk.pin.locked"

    def __init__(self) -> None:
        super().__init__(
            "Officer PINs are locked permanently after too many wrong attempts: no PIN is "
            "accepted until a one-time unlock code from the sealed officer sheet (ask the "
            "district) is entered. The stored ballots are safe.",
            "PIN petugas terkunci permanen karena terlalu banyak salah: tidak ada PIN yang "
            "diterima sampai kode buka kunci sekali pakai dari lembar petugas bersegel "
            "(minta ke kecamatan) dimasukkan. Surat suara yang tersimpan tetap aman.",
        )


_UNLOCK_REASONS = {
    "garbled": ("The unlock code is not valid: check every character.",
                "Kode buka kunci tidak valid: periksa setiap karakter."),
    "foreign": ("This unlock code does not belong to this kiosk.",
                "Kode buka kunci ini bukan untuk kios ini."),
    "used": ("This unlock code was already used; each code works once.",
             "Kode buka kunci ini sudah dipakai; setiap kode hanya berlaku sekali."),
    "not-locked": ("The PINs are not locked: no unlock code is needed.",
                   "PIN tidak terkunci: kode buka kunci tidak diperlukan."),
}  # fmt: skip


class UnlockRefused(PinError):
    message_id = "kiosk.pin.unlock_refused"

    def __init__(self, reason: str):
        self.reason = reason
        english, indonesian = _UNLOCK_REASONS[reason]
        super().__init__(english, indonesian, f"kiosk.pin.unlock_{reason.replace('-', '_')}")


class NotInstalled(KioskError):
    message_id = "kiosk.install.needed"

    def __init__(self) -> None:
        super().__init__(
            "This package is not installed on this kiosk yet: enter or scan the installation "
            "code from the sealed officer sheet.",
            "Paket ini belum dipasang di kios ini: ketik atau pindai kode instalasi dari "
            "lembar petugas bersegel.",
        )


_INSTALL_REASONS = {
    "garbled": ("The installation code is not valid (a character is mistyped or missing).",
                "Kode instalasi tidak valid (ada karakter yang salah ketik atau kurang)."),
    "wrong": ("The installation code does not belong to this package.",
              "Kode instalasi ini bukan untuk paket ini."),
    "reused": ("This installation code was already used on this kiosk.",
               "Kode instalasi ini sudah pernah dipakai di kios ini."),
    "installed": ("This package is already installed on this kiosk.",
                  "Paket ini sudah terpasang di kios ini."),
    "damaged": ("The package's sealed kiosk key is damaged.",
                "Kunci kios yang tersegel dalam paket rusak."),
}  # fmt: skip


class InstallRefused(KioskError):
    message_id = "kiosk.install.refused"

    def __init__(self, reason: str, detail: str = ""):
        self.reason = reason
        english, indonesian = _INSTALL_REASONS[reason]
        extra = f" ({detail})" if detail and reason == "damaged" else ""
        super().__init__(
            f"Installation refused, nothing was changed: {english}{extra}",
            f"Instalasi ditolak, tidak ada yang diubah: {indonesian}{extra}",
            f"kiosk.install.{reason}",
        )


class TransitionRefused(KioskError):
    message_id = "kiosk.transition.refused"

    def __init__(self, machine: str, state: str, action: str, why: str = ""):
        self.machine, self.state, self.action = machine, state, action
        extra = f" ({why})" if why else ""
        super().__init__(
            f"Not allowed now: {action} while the {machine} state is {state}{extra}.",
            f"Tidak diizinkan sekarang: {action} saat status {machine} adalah {state}{extra}.",
        )


class SelectionError(KioskError):
    message_id = "kiosk.selection.invalid"

    def __init__(self, english: str, indonesian: str):
        super().__init__(english, indonesian)


class SessionTimedOut(KioskError):
    message_id = "kiosk.session.timeout"

    def __init__(self) -> None:
        super().__init__(
            "The voter session timed out and was voided; nothing was recorded.",
            "Sesi pemilih habis waktu dan dibatalkan; tidak ada suara yang disimpan.",
        )


class NotReady(KioskError):
    message_id = "kiosk.not_ready"

    def __init__(self, failures: list[str]):
        self.failures = failures
        joined = "; ".join(failures)
        super().__init__(
            f"Readiness checks failed: {joined}",
            f"Pemeriksaan kesiapan gagal: {joined}",
        )


class PrinterUnavailable(KioskError):
    message_id = "kiosk.printer.unavailable"

    def __init__(self, what: str, status: str):
        self.status = status
        super().__init__(
            f"The {what} could not be printed (printer: {status}).",
            f"{what} tidak dapat dicetak (printer: {status}).",
        )


class TrusteeError(KioskError):
    message_id = "kiosk.trustee.refused"

    def __init__(self, english: str, indonesian: str, message_id: str | None = None):
        super().__init__(english, indonesian, message_id)


class NotEnoughTrustees(KioskError):
    message_id = "kiosk.trustee.not_enough"

    def __init__(self, present: int, needed: int):
        self.present, self.needed = present, needed
        super().__init__(
            f"{present} of the {needed} trustees needed have presented their cards.",
            f"Baru {present} dari {needed} pemegang kunci yang diperlukan menyerahkan kartu.",
        )


class ExportError(KioskError):
    message_id = "kiosk.export.failed"

    def __init__(self, english: str, indonesian: str | None = None):
        super().__init__(english, indonesian or f"Ekspor gagal: {english}")


class CheckInRefused(KioskError):
    """A check-in (or a DPTb addition) the poll book refused; nothing was recorded.

    `reason`: "already" (checked in before, at local time `first_time`), "garbled",
    "foreign", "forged" (an invitation QR, `ballotcore.voterlist.read_invitation`),
    "unknown" (no such DPT number), "invalid" (a DPTb entry that is not well formed or is
    on the DPT), "no-list" (this station's package has no voter list), "not-open"."""

    message_id = "kiosk.checkin.refused"

    def __init__(self, reason: str, english: str, indonesian: str,
                 first_time: str | None = None) -> None:
        super().__init__(english, indonesian, f"kiosk.checkin.{reason}")
        self.reason = reason
        self.first_time = first_time
