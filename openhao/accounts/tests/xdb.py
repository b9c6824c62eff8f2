"""Builds a small ip2region database (xdb structure 3, IPv4) for the tests, in the format the
official binding reads: a 256-byte header, the 256×256 vector index of (first, last) segment
pointers per leading two bytes, the region strings, then the segment index (start and end
address little-endian, data length, data pointer), with segments cut at /16 boundaries as the
vector index needs."""

from __future__ import annotations

import ipaddress
import struct
import time

HEADER = 256
VECTOR_COLS = 256
VECTOR_SIZE = 8
VECTOR_LENGTH = 256 * 256 * VECTOR_SIZE
SEGMENT_SIZE = 14


def _int(ip: str) -> int:
    return int(ipaddress.IPv4Address(ip))


def build(segments: list[tuple[str, str, str]]) -> bytes:
    """``segments``: (first address, last address, region record) — sorted, not overlapping."""
    data = bytearray()
    offsets: dict[str, int] = {}
    base = HEADER + VECTOR_LENGTH
    for _start, _end, region in segments:
        if region not in offsets:
            offsets[region] = base + len(data)
            data += region.encode()
    pieces = []
    for start, end, region in segments:
        lo, hi = _int(start), _int(end)
        while lo <= hi:
            block_end = min(hi, lo | 0xFFFF)
            pieces.append((lo, block_end, region))
            lo = block_end + 1
    index_start = base + len(data)
    vector = bytearray(VECTOR_LENGTH)
    index = bytearray()
    for n, (lo, hi, region) in enumerate(pieces):
        ptr = index_start + n * SEGMENT_SIZE
        slot = ((lo >> 24) * VECTOR_COLS + ((lo >> 16) & 0xFF)) * VECTOR_SIZE
        first, _last = struct.unpack_from("<II", vector, slot)
        struct.pack_into("<II", vector, slot, first or ptr, ptr)
        encoded = region.encode()
        index += struct.pack("<IIHI", lo, hi, len(encoded), offsets[region])
    index_end = index_start + (len(pieces) - 1) * SEGMENT_SIZE
    header = bytearray(HEADER)
    struct.pack_into("<HHIIIHH", header, 0, 3, 1, int(time.time()), index_start, index_end, 4, 4)
    return bytes(header + vector + data + index)
