"""Image bytes for upload tests, made with Pillow."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def jpeg_bytes(width=1600, height=900, *, exif_gps=False) -> bytes:
    image = Image.new("RGB", (width, height), (200, 80, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
        image.save(out, "JPEG", exif=exif.tobytes())
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def png_bytes(width=800, height=600) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 120, 200, 255)).save(out, "PNG")
    return out.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
