"""Screens of the touchscreen: system (boot, PIN, waiting, errors), officer, voter."""
