"""The polling-station kiosk: ballot box engine (headless) and the Kivy touchscreen."""
