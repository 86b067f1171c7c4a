"""Small JPEG copies of evidence photos for the inspection report (both formats)."""

import io
import logging
from functools import lru_cache
from pathlib import Path

from PIL import Image, UnidentifiedImageError

log = logging.getLogger(__name__)

THUMBNAIL_PX = 320


@lru_cache(maxsize=256)
def thumbnail_jpeg(path: Path) -> tuple[bytes, int, int] | None:
    """(JPEG bytes, width, height) of the photo shrunk to fit 320 px; None if it cannot be read.

    A damaged photo must not stop the report: it is listed with its fingerprint, just not shown.
    """
    try:
        with Image.open(path) as image:
            image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            rgb = image.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError):
        log.warning("cannot make a thumbnail of %s", path, exc_info=True)
        return None
    data = io.BytesIO()
    rgb.save(data, "JPEG", quality=80)
    return data.getvalue(), rgb.width, rgb.height
