"""Image bytes carrying every kind of metadata segment, and readers of the segments an encoded
file holds, for the re-encoding tests (made here with Pillow and struct, nothing downloaded)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

SECRET = "秘密-smuggled-marker"
XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    f'22-rdf-syntax-ns#"><rdf:Description>{SECRET}</rdf:Description></rdf:RDF></x:xmpmeta>'
).encode()
RED = (255, 0, 0)


def swapped_icc() -> bytes:
    """sRGB with its red and green primaries swapped: pure red in an image tagged with it is
    green on screen. A re-encode that converts to sRGB must turn (255, 0, 0) into green; one
    that drops the profile without converting would keep red."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    count = struct.unpack(">I", data[128:132])[0]
    tags = {}
    for i in range(count):
        sig, offset, size = struct.unpack(">4sII", data[132 + 12 * i : 144 + 12 * i])
        tags[sig] = (i, offset, size)
    (ir, offr, sr), (ig, offg, sg) = tags[b"rXYZ"], tags[b"gXYZ"]
    struct.pack_into(">4sII", data, 132 + 12 * ir, b"rXYZ", offg, sg)
    struct.pack_into(">4sII", data, 132 + 12 * ig, b"gXYZ", offr, sr)
    return bytes(data)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = SECRET  # Make
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0)}  # GPSInfo
    return exif.tobytes()


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg_with_metadata(size=(64, 48), color=RED) -> bytes:
    """A JPEG with a comment (COM), EXIF and XMP (APP1), an ICC profile (APP2), Photoshop/IPTC
    (APP13) and bytes after the end of the image."""
    out = io.BytesIO()
    Image.new("RGB", size, color).save(
        out, "JPEG", quality=95, comment=SECRET.encode(), icc_profile=swapped_icc(), exif=_exif()
    )
    data = out.getvalue()
    extra = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + _segment(
        0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00" + SECRET.encode()
    )
    return data[:2] + extra + data[2:] + b"<?php echo 1; ?>" + SECRET.encode()


def png_with_metadata(size=(64, 48), color=RED + (200,)) -> bytes:
    info = PngInfo()
    info.add_text("Comment", SECRET)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Author", SECRET, zip=True)
    out = io.BytesIO()
    Image.new("RGBA", size, color).save(
        out, "PNG", pnginfo=info, icc_profile=swapped_icc(), exif=_exif()
    )
    return out.getvalue() + SECRET.encode()


def webp_with_metadata(size=(64, 48), color=RED) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(
        out, "WEBP", lossless=True, icc_profile=swapped_icc(), exif=_exif(), xmp=XMP
    )
    return out.getvalue()


def jpeg_markers(data: bytes) -> list[str]:
    """The markers before the image data (SOS): 'APP0', 'DQT', 'COM', ..."""
    names = {0xC0: "SOF0", 0xC2: "SOF2", 0xC4: "DHT", 0xDB: "DQT", 0xDD: "DRI", 0xFE: "COM"}
    assert data[:2] == b"\xff\xd8"
    pos, found = 2, []
    while pos < len(data):
        marker = data[pos + 1]
        if marker == 0xDA:
            break
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        found.append(
            f"APP{marker - 0xE0}" if 0xE0 <= marker <= 0xEF else names.get(marker, hex(marker))
        )
        pos += 2 + length
    return found


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, found = 8, []
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        found.append(kind.decode("latin-1"))
        pos += 12 + length
        if kind == b"IEND":
            break
    return found


def webp_chunks(data: bytes) -> list[str]:
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    pos, found = 12, []
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        found.append(kind.decode("latin-1"))
        pos += 8 + length + (length & 1)
    return found


def header_only_png(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` x ``height`` pixels in a few dozen bytes (its pixel data is
    a stub): what a decompression bomb looks like to the checks before decoding."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )
