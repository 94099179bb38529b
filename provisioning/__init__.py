"""Provisioning: turn a regency's village list into signed kiosk packages and trustee cards."""
