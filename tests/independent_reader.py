"""Reading a disc without pycdlib or pyzipper: libarchive (C) for the image and the ZIP, and the ISO 9660
primary volume read straight from its bytes (ECMA-119), so the tests do not grade the build with its own tools."""

from __future__ import annotations

import struct
from pathlib import Path

import libarchive


def read_image(image: Path) -> dict[str, bytes]:
    """Every file of an image as libarchive (C, independent of pycdlib) reads it: Joliet names → bytes."""
    with libarchive.file_reader(str(image)) as archive:
        return {e.pathname: b"".join(e.get_blocks()) for e in archive if e.isfile}


def read_zip(data: bytes, password: str | None) -> dict[str, bytes]:
    """Every member of a ZIP as libarchive reads it (raises ArchiveError without the right password)."""
    with libarchive.memory_reader(data, passphrase=password) as archive:
        return {e.pathname: b"".join(e.get_blocks()) for e in archive}


def primary_volume(image: Path) -> tuple[str, list[str]]:
    """The volume label and the root's ISO 9660 names, read from the bytes as ECMA-119 lays them out."""
    data = image.read_bytes()
    pvd = data[16 * 2048 : 17 * 2048]
    assert pvd[0:6] == b"\x01CD001", "sector 16 is not a primary volume descriptor"
    label = pvd[40:72].decode("ascii").rstrip()
    extent, length = struct.unpack_from("<I", pvd, 156 + 2)[0], struct.unpack_from("<I", pvd, 156 + 10)[0]
    root, names, offset = data[extent * 2048 : extent * 2048 + length], [], 0
    while offset < len(root):
        size = root[offset]
        if size == 0:  # records never cross a sector: skip to the next one
            offset = (offset // 2048 + 1) * 2048
            continue
        name = root[offset + 33 : offset + 33 + root[offset + 32]]
        if name not in (b"\x00", b"\x01"):
            names.append(name.decode("ascii"))
        offset += size
    return label, names


def copy_of_disc(image: Path, target: Path) -> Path:
    """The image's files in a folder, as a mounted disc shows them."""
    target.mkdir()
    for name, content in read_image(image).items():
        (target / name).write_bytes(content)
    return target
