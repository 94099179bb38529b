"""The district's "phone photo" of a printed results report.

The kiosk printed its results report through the real ESC/POS driver to the printer
simulator, which rendered the paper to PNG (`kiosk simulate --printer-out`). The photo
is that PNG rotated a little, slightly blurred, downscaled and saved as JPEG, like a
picture taken with a phone and sent ahead of the USB stick.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageFilter

RESULTS_TITLE = "LAPORAN HASIL"


def printed_results_report(printer_out: Path) -> Path:
    """The PNG of the last results report the simulated printer completed."""
    for text in sorted(printer_out.glob("receipt-*.txt"), reverse=True):
        if RESULTS_TITLE in text.read_text(encoding="utf-8"):
            return text.with_suffix(".png")
    raise RuntimeError(f"no printed results report in {printer_out}")


def photograph(receipt_png: Path, photo: Path) -> Path:
    """Write a phone-like JPEG of a printed receipt (see module docstring)."""
    image = Image.open(receipt_png).convert("RGB")
    image = image.rotate(7, expand=True, fillcolor=(205, 200, 190))
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    image = image.resize((int(image.width * 0.8), int(image.height * 0.8)))
    photo.parent.mkdir(parents=True, exist_ok=True)
    image.save(photo, "JPEG", quality=85)
    return photo
