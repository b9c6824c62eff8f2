"""Decoding untrusted images and keeping nothing of them but their pixels.

Shared by every upload path (studio images and covers, 申请入驻 avatars, profile avatars).

- The type is what Pillow finds in the bytes, never the file name or the browser's word.
- The size in pixels is checked from the header, before anything is decoded, against the
  caller's limit. Pillow's own decompression-bomb guard fires earlier for huge headers
  (``DecompressionBombError``, or its warning, which the test settings turn into an error):
  both are the same refusal as ours, never a 500.
- Re-encoding keeps pixels only. Every metadata segment is dropped: EXIF (GPS position, camera
  serial), XMP, JPEG comments (COM), Photoshop/IPTC (APP13), PNG text chunks, and anything
  after the image data. Pillow copies some of them (JPEG comments) from the decoded image into
  the file it writes unless ``info`` is emptied, which is why ``pixels_only`` empties it.
- An ICC colour profile is applied, not kept: the pixels are converted to sRGB (what browsers
  assume for an untagged image) and the profile is dropped, so a Display P3 or Adobe RGB photo
  keeps its colours and the file carries no profile. A profile that cannot be read is ignored
  (the pixels are kept as they are).
- The EXIF orientation is applied first, so the picture still stands the right way up.
"""

from __future__ import annotations

import io

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

_SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(Exception):
    """Why an upload is not an acceptable image: ``code`` is "type" (not one of the allowed
    formats), "pixels" (too many pixels) or "invalid" (not an image, or a broken one)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def decode_upload(data: bytes, *, formats: set[str], max_pixels: int) -> tuple[Image.Image, str]:
    """The first frame of ``data`` as a clean image (see ``pixels_only``) and its format, or
    ImageRejected."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in formats:
                raise ImageRejected("type")
            width, height = probe.size
            if width * height > max_pixels:
                raise ImageRejected("pixels")
            probe.verify()
        # verify() leaves the image unusable; decode again.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return pixels_only(ImageOps.exif_transpose(image)), fmt
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected("pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected("invalid") from None


def pixels_only(image: Image.Image) -> Image.Image:
    """A copy of ``image`` in sRGB with an empty ``info``: whatever it is saved as carries no
    metadata from the source. Palette and single-colour transparency become an alpha channel
    (they live in ``info`` too)."""
    if image.mode in ("P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
    profile = image.info.get("icc_profile")
    if profile:
        image = _to_srgb(image, profile)
    clean = image.copy()
    clean.info = {}
    return clean


def _to_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    if image.mode not in ("RGB", "RGBA", "CMYK"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
