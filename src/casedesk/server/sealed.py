"""A sealed (encrypted, authenticated) stream: the file format of server backups.

A server backup holds every child's record, so it is never written in clear. The administrator supplies a
passphrase; scrypt turns it into a 256-bit key; the data is deflated, cut into 1 MiB chunks, and each chunk is
sealed with AES-256-GCM. Every chunk's associated data binds the header, the chunk's index and whether it is the
last one, so a file that was truncated, reordered, spliced or tampered with fails to open instead of restoring
part of a database. Streaming keeps memory flat for a database of any size (pg_dump output is sealed as it
arrives).

Layout: MAGIC, a 4-byte header length, the header (JSON: KDF salt and cost, nonce prefix, a key check that tells
a wrong passphrase from a damaged file, and the caller's plain metadata — backend, time, generation; nothing
personal), then chunks of (4-byte length, ciphertext).
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from collections.abc import Iterator
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"CASEDESK-SERVER-BACKUP\x00\x01"
CHUNK = 1 << 20
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MAX_HEADER = 64 * 1024


class SealError(Exception):
    """Not a backup, the wrong passphrase, or a damaged or truncated file. Nothing was restored."""


def _key(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise SealError("A backup passphrase is required.")
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=128 * 1024 * 1024, dklen=32)


def _check(key: bytes) -> str:
    """A value that tells a wrong passphrase from a damaged file, and says nothing else about the key."""
    return hashlib.sha256(b"casedesk-backup-key-check" + key).hexdigest()[:32]


def _aad(header: bytes, index: int, last: bool) -> bytes:
    return hashlib.sha256(header).digest() + struct.pack(">Q?", index, last)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _compressed(source: IO[bytes]) -> Iterator[bytes]:
    """The source, deflated as it streams (a database file shrinks several-fold; it is compressed before it
    is encrypted, since ciphertext does not compress)."""
    deflate = zlib.compressobj(6)
    while block := source.read(CHUNK):
        if out := deflate.compress(block):
            yield out
    yield deflate.flush()


def _rechunk(blocks: Iterator[bytes]) -> Iterator[bytes]:
    buffer = b""
    for block in blocks:
        buffer += block
        while len(buffer) >= CHUNK:
            yield buffer[:CHUNK]
            buffer = buffer[CHUNK:]
    yield buffer


def seal(source: IO[bytes], out: IO[bytes], passphrase: str, metadata: dict[str, Any]) -> None:
    """Compress and encrypt everything `source` yields into `out`."""
    salt, prefix = os.urandom(16), os.urandom(8)
    key = _key(passphrase, salt, **SCRYPT)
    header = json.dumps(
        {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": salt.hex(),
            "nonce": prefix.hex(),
            "check": _check(key),
            "compression": "zlib",
            "meta": metadata,
        }
    )
    raw_header = header.encode("utf-8")
    aead = AESGCM(key)
    out.write(MAGIC + struct.pack(">I", len(raw_header)) + raw_header)
    chunks = _rechunk(_compressed(source))
    index, chunk = 0, next(chunks)
    while True:
        following = next(chunks, None)
        last = following is None
        sealed = aead.encrypt(_nonce(prefix, index), chunk, _aad(raw_header, index, last))
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if following is None:
            return
        index, chunk = index + 1, following
        if index >= 2**32:
            raise SealError("The backup is too large for one file.")


def read_header(source: IO[bytes]) -> tuple[bytes, dict[str, Any]]:
    if source.read(len(MAGIC)) != MAGIC:
        raise SealError("This file is not a CaseDesk server backup.")
    (size,) = struct.unpack(">I", _exactly(source, 4))
    if size > MAX_HEADER:
        raise SealError("This backup's header is damaged.")
    raw = _exactly(source, size)
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise SealError("This backup's header is damaged.") from exc
    return raw, header


def metadata(source: IO[bytes]) -> dict[str, Any]:
    """The plain metadata of a backup (no passphrase needed; it holds nothing personal)."""
    return dict(read_header(source)[1].get("meta", {}))


def unseal(source: IO[bytes], passphrase: str) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk. Raises SealError on the first chunk that fails to authenticate, and
    if the stream ends before its last chunk, so a consumer must not commit anything until this is exhausted."""
    raw, header = read_header(source)
    try:
        key = _key(passphrase, bytes.fromhex(header["salt"]), int(header["n"]), int(header["r"]), int(header["p"]))
        prefix = bytes.fromhex(header["nonce"])
    except (KeyError, ValueError, TypeError) as exc:
        raise SealError("This backup's header is damaged.") from exc
    if header.get("check") != _check(key):
        raise SealError("This backup cannot be opened: the passphrase is wrong.")
    if header.get("compression") != "zlib":
        raise SealError("This backup's header is damaged.")
    aead, index, inflate = AESGCM(key), 0, zlib.decompressobj()
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) < 4:
            raise SealError("This backup is truncated: its last part is missing.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = _exactly(source, size)
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, index), sealed, _aad(raw, index, last))
                break
            except InvalidTag:
                continue
        else:
            raise SealError("This backup cannot be opened: the file is damaged.")
        try:
            yield inflate.decompress(plain)
            if last:
                yield inflate.flush()
        except zlib.error as exc:
            raise SealError("This backup cannot be opened: the file is damaged.") from exc
        if last:
            if source.read(1) or not inflate.eof:
                raise SealError("This backup has data after its end; it was tampered with.")
            return
        index += 1


def _exactly(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise SealError("This backup is truncated.")
    return data
