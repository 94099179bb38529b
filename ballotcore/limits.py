"""Every size limit on external input, in one place.

Each limit bounds what one untrusted file, record or image may cost before it is parsed,
so a hostile or broken input is refused with a clear error instead of exhausting memory.
The modules that enforce them import them from here: `ballotcore.codec` (records),
`ballotcore.package` (station package files), `ballotcore.election` (DPT),
`provisioning.spec` (candidate photos), `tally.files`, `tally.qr`, `tally.db` and
`tally.cli` (bundles, photos of receipts, stored records, the public record).
Standard library only, like the rest of ballotcore.
"""

from __future__ import annotations

MiB = 1024 * 1024

#: One canonical record (codec.decode): the largest a whole regency's bundle could be.
MAX_RECORD_BYTES = 256 * MiB
#: One file of a station package (election.json, certificate, photos, manifest).
MAX_PACKAGE_FILE_BYTES = 64 * MiB
#: One candidate photo in a provisioning spec (photos/ folder).
MAX_PHOTO_BYTES = 8 * MiB
#: Registered voters (DPT) of one polling station.
MAX_DPT = 100_000

#: One USB bundle (or other non-image file) the tally reads.
MAX_BUNDLE_BYTES = 64 * MiB
#: One photo of a printed results QR the tally reads.
MAX_IMAGE_BYTES = 32 * MiB
#: Pixels of a decoded photo (width x height), checked before decoding the raster.
MAX_IMAGE_PIXELS = 50_000_000
#: The public election record handed to `suaradesa tally --record`.
MAX_PUBLIC_RECORD_BYTES = 64 * MiB
#: One record stored in the tally database.
MAX_STORED_RECORD_BYTES = 64 * MiB
#: Folder nesting and entries the tally walks when importing a folder of bundles.
MAX_FOLDER_DEPTH = 6
MAX_FOLDER_ENTRIES = 200_000
