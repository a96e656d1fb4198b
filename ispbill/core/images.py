"""Images people upload (contract and visit signatures, visit photos, logos), checked before anything
decodes them: first the bytes are counted, then the format and the dimensions are read from the
header alone (Pillow reads only the header when it opens a file), and only an image within its
limits is verified. A small file can declare a picture of millions of pixels that takes gigabytes
once decompressed, in our PDF renderer or in a staff member's browser: such a file is refused with
the limit in the message, never decoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ImageLimits:
    max_bytes: int
    max_width: int
    max_height: int
    formats: tuple[str, ...]


# A signature pad is the page's width by 180 CSS pixels, times the screen's pixel ratio (at most 4).
SIGNATURE = ImageLimits(max_bytes=300 * 1024, max_width=4000, max_height=1000, formats=("PNG",))
# Logos print a few centimetres wide on invoices.
LOGO = ImageLimits(max_bytes=1024 * 1024, max_width=2000, max_height=2000, formats=("PNG", "JPEG", "GIF", "WEBP"))
# The technician app scales a photo to 1600 px before it sends it; a camera's own file may reach 4096.
PHOTO_MAX_SIDE = 4096


def photo_limits() -> ImageLimits:
    return ImageLimits(max_bytes=settings.FIELDSERVICE_PHOTO_MAX_BYTES, max_width=PHOTO_MAX_SIDE,
                       max_height=PHOTO_MAX_SIDE, formats=("JPEG", "PNG", "WEBP"))


_FORMAT_NAMES = {"WEBP": "WebP"}


def _refused(message: str, field: str | None, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: error}) if field else error


def image_checked(data: bytes, *, limits: ImageLimits, field: str | None = None, decode: bool = False):
    """The image in `data`, opened once its size, format and dimensions are within `limits` and its
    structure verifies; with `decode`, its pixels loaded too (a truncated file is refused here).
    Raises ValidationError (on `field` when given): code "too_large" for bytes or dimensions over
    the limits, "not_image" for anything that is not one of `limits.formats`."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > limits.max_bytes:
        raise _refused(_("The image is too large (%(size)d KB; at most %(max)d KB).")
                       % {"size": len(data) // 1024, "max": limits.max_bytes // 1024}, field, "too_large")
    too_big = _("The image is too large: at most %(width)d × %(height)d pixels.") % {
        "width": limits.max_width, "height": limits.max_height}
    not_image = _("That file is not an image (send %(formats)s).") % {
        "formats": ", ".join(_FORMAT_NAMES.get(name, name) for name in limits.formats)}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=limits.formats)  # the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(too_big, field, "too_large") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refused(not_image, field, "not_image") from None
    if image.width > limits.max_width or image.height > limits.max_height or not image.width or not image.height:
        raise _refused(too_big, field, "too_large")
    try:
        image.verify()  # the chunks' checksums; no pixels yet
        image = Image.open(io.BytesIO(data), formats=limits.formats)
        if decode:
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise _refused(not_image, field, "not_image") from None
    return image
