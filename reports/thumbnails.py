"""Small JPEG copies of evidence photos for the inspection report (both formats)."""

import io
import logging
from functools import lru_cache

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

THUMBNAIL_PX = 320


@lru_cache(maxsize=256)
def thumbnail_jpeg(content: bytes) -> tuple[bytes, int, int] | None:
    """(JPEG bytes, width, height) of the photo shrunk to fit 320 px; None if it cannot be read.

    A damaged photo must not stop the report: it is listed with its fingerprint, just not shown.
    """
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            rgb = image.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError):
        log.warning("cannot make a thumbnail of a %d-byte image", len(content), exc_info=True)
        return None
    data = io.BytesIO()
    rgb.save(data, "JPEG", quality=80)
    return data.getvalue(), rgb.width, rgb.height
