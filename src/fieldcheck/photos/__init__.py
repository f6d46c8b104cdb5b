"""Photo evidence: import, integrity, thumbnails and EXIF, without Qt.

    store = BlobStore(data_dir / "photos")
    store.cleanup_temp()                      # once at start-up
    photo = ingest_photo(Path("IMG_0001.JPG"), store)   # raises PhotoError with a message
    # … only now commit the database row that refers to photo.sha256 …
    store.thumbnail_path(photo.sha256)        # exists once ingest_photo has returned
    store.ensure_display(photo.sha256)        # ~1600 px copy, made on first view

Many photos at once, on every core: photos/batch.py `ingest_batch`.
"""

from fieldcheck.photos.exif import read_taken_at
from fieldcheck.photos.imaging import DISPLAY_SIDE, MAX_PIXELS, THUMBNAIL_SIDE
from fieldcheck.photos.ingest import MAX_FILE_BYTES, IngestedPhoto, ingest_photo, ingest_photo_bytes
from fieldcheck.photos.scan import scan_photos
from fieldcheck.photos.store import BlobStore

__all__ = [
    "DISPLAY_SIDE",
    "MAX_FILE_BYTES",
    "MAX_PIXELS",
    "THUMBNAIL_SIDE",
    "BlobStore",
    "IngestedPhoto",
    "ingest_photo",
    "ingest_photo_bytes",
    "read_taken_at",
    "scan_photos",
]
