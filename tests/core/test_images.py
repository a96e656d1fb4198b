"""Uploaded images are measured before they are decoded: a small file that declares a huge picture is
refused with the limit in the message, and Pillow never inflates its pixels."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageFile

from ispbill.core import images
from tests.image_files import png_declaring


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if any image's pixels are decoded."""
    def refuse(self):
        raise AssertionError(f"decoded a {self.size} image")
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_a_small_file_declaring_a_huge_picture_is_refused_without_decoding(no_decoding):
    bomb = png_declaring(4000, 8000)
    assert len(bomb) < images.SIGNATURE.max_bytes, "small enough to pass a size check alone"

    with pytest.raises(ValidationError) as refused:
        images.image_checked(bomb, limits=images.SIGNATURE)

    assert refused.value.code == "too_large" and "4000 × 1000 pixels" in refused.value.messages[0]


def test_a_picture_past_pillows_own_bomb_guard_is_refused_as_too_large_not_an_error(no_decoding):
    bomb = png_declaring(20000, 20000)  # 400 million pixels: Pillow itself raises on opening it

    with pytest.raises(ValidationError) as refused:
        images.image_checked(bomb, limits=images.photo_limits())
    assert refused.value.code == "too_large"


def test_bytes_are_counted_before_the_header_is_read(no_decoding, settings):
    settings.FIELDSERVICE_PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        images.image_checked(png_declaring(50, 50) + b"\0" * 200, limits=images.photo_limits())
    assert refused.value.code == "too_large" and "too large" in refused.value.messages[0]


@pytest.mark.parametrize("content", [b"", b"not an image", b"GIF89a not really", png_declaring(10, 10)[:40]])
def test_what_is_not_an_image_of_an_allowed_format_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        images.image_checked(content, limits=images.SIGNATURE)
    assert refused.value.code == "not_image"


def test_a_format_outside_the_limits_is_refused_even_if_pillow_reads_it():
    gif = io.BytesIO()
    Image.new("RGB", (20, 20)).save(gif, format="GIF")
    with pytest.raises(ValidationError) as refused:
        images.image_checked(gif.getvalue(), limits=images.SIGNATURE)
    assert refused.value.code == "not_image" and "PNG" in refused.value.messages[0]


def test_an_image_within_the_limits_is_returned_and_decodes(no_decoding):
    image = images.image_checked(png_declaring(1600, 600), limits=images.SIGNATURE)
    assert (image.format, image.size) == ("PNG", (1600, 600))
