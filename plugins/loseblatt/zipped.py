"""Reproducible zip archives written from members packed once.

Python's zipfile compresses every member it writes. The offline edition (offline.py) and the
template files (render/office.py) write many archives whose members are mostly bytes another
archive already holds: a member is packed once here, and its packed bytes are written again.
The structures are the ones zipfile writes for writestr() into a seekable file, so an archive
from `archive` has the bytes zipfile would write for the same members, times and order
(tests/test_zipped.py holds it to that).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

# One member, packed: (CRC-32 and size of its bytes, the packed bytes). Stored members (ODF's
# «mimetype») are their own bytes; `archive` is told which they are.
Member = tuple[int, int, bytes]
DateTime = tuple[int, int, int, int, int, int]

LEVEL = 6  # zlib's default, the one zipfile uses: half the time of level 9 for 0.3 % more bytes

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # what zipfile writes as "made by" and "needed to extract" for these members
_SYSTEM = 3  # Unix, so that the permissions below count
_PERMISSIONS = 0o644 << 16


def deflate(data: bytes) -> bytes:
    """Raw deflate, as zipfile packs a member."""
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def packed(data: bytes, stored: bool = False) -> Member:
    return zlib.crc32(data), len(data), data if stored else deflate(data)


def members(data: bytes) -> list[tuple[str, Member, bool]]:
    """An archive's members in its order, packed as they are in it: (name, member, stored)."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"{info.filename}: compression {info.compress_type}")
            fields = _LOCAL.unpack_from(data, info.header_offset)
            start = info.header_offset + _LOCAL.size + fields[10] + fields[11]
            raw = data[start : start + info.compress_size]
            out.append((info.filename, (info.CRC, info.file_size, raw), info.compress_type == zipfile.ZIP_STORED))
    return out


def unpacked(member: Member, stored: bool = False) -> bytes:
    return member[2] if stored else zlib.decompress(member[2], -15)


def archive(entries: Iterable[tuple[str, Member]], date_time: DateTime, stored: Iterable[str] = ()) -> bytes:
    """The archive of `entries` in their order, every one at `date_time`; the names in `stored`
    are members kept as their bytes, the others deflated."""
    keep = set(stored)
    year, month, day, hour, minute, second = date_time
    dosdate = (year - 1980) << 9 | month << 5 | day
    dostime = hour << 11 | minute << 5 | second // 2
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, (crc, size, data) in entries:
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), 0x800
        method = zipfile.ZIP_STORED if name in keep else zipfile.ZIP_DEFLATED
        head = (flags, method, dostime, dosdate, crc, len(data), size, len(encoded))
        local = _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, *head, 0)
        out += [local, encoded, data]
        central.append(
            _CENTRAL.pack(b"PK\x01\x02", _VERSION, _SYSTEM, _VERSION, 0, *head, 0, 0, 0, 0, _PERMISSIONS, offset)
            + encoded
        )
        offset += len(local) + len(encoded) + len(data)
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join([*out, directory, end])
