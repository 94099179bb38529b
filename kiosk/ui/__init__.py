"""The Kivy touchscreen of the kiosk (see docs/UI.md).

Importing this package does not import Kivy: `kiosk.ui.command.run` imports it only when
the touchscreen actually starts, so headless tools stay usable without a display.
"""
