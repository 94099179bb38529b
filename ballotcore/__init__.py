"""ballotcore: the shared contract of SuaraDesa.

Record formats, the election definition, signatures and the verifiable encryption used
by provisioning, the kiosk and the tally. It performs no device I/O and imports none of
Kivy, pyserial or SQLCipher, so an independent verifier can depend on it alone.
"""
