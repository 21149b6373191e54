"""Reading inputs from disk: the only place that opens input files.

Walks files and folders in a stable order and hands bytes to `transforms.ingest`, turning every
failure into a `Rejected` so that one bad file never stops a run and no file is passed over.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO, Iterator

from transforms.ingest import (
    RawDocument, Rejected, decode, failure_reason, guarded, input_format, parse_html, parse_json,
    parse_jsonl_line, parse_text, rejecting,
)


class InputError(ValueError):
    """An input path given by the user does not exist."""


def list_files(paths: list[Path]) -> Iterator[tuple[Path, str] | Rejected]:
    """(path, source name relative to its input root) for every file under the inputs, sorted,
    or a Rejected for what cannot be read as one: a dangling link, a link loop, an unreadable
    folder, a FIFO or device. Links are followed, to files and to folders."""
    for root in paths:
        if not root.exists():
            raise InputError(f"input path does not exist: {root}")
        if root.is_dir():
            yield from _walk(root, root, frozenset())
        else:
            yield from _entry(root, root.name, root.stat())


def _walk(folder: Path, root: Path, ancestors: frozenset) -> Iterator[tuple[Path, str] | Rejected]:
    """Depth first with the names of each folder sorted, as `sorted(rglob)` orders paths."""
    where = folder.relative_to(root).as_posix() if folder != root else str(root)
    try:
        info = folder.stat()
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries)
    except OSError as e:
        yield Rejected(where, f"unreadable folder: {e.strerror or e}")
        return
    # Folders are known by (device, inode): a link back to one of them is a loop.
    ancestors = ancestors | {(info.st_dev, info.st_ino)}
    for name in names:
        path = folder / name
        source = path.relative_to(root).as_posix()
        try:
            info = path.stat()
        except OSError as e:
            yield Rejected(source, _broken_link(path, e))
            continue
        if not stat.S_ISDIR(info.st_mode):
            yield from _entry(path, source, info)
        elif (info.st_dev, info.st_ino) in ancestors:
            yield Rejected(source, f"symbolic link loop: {name} leads back to a folder above it")
        else:
            yield from _walk(path, root, ancestors)


def _entry(path: Path, source: str, info: os.stat_result) -> Iterator[tuple[Path, str] | Rejected]:
    """A regular file to read; anything else would block (a FIFO) or never end (a device)."""
    if stat.S_ISREG(info.st_mode):
        yield path, source
    else:
        kind = "FIFO" if stat.S_ISFIFO(info.st_mode) else "socket" if stat.S_ISSOCK(info.st_mode) else "device"
        yield Rejected(source, f"not a regular file but a {kind}")


def _broken_link(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return f"symbolic link loop: {path.name} -> {os.readlink(path)}"
    if path.is_symlink() and error.errno == errno.ENOENT:
        return f"dangling symbolic link: {path.name} -> {os.readlink(path)} does not exist"
    return failure_reason(error)


def read_inputs(paths: list[Path], *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """Every document or rejection found under the input paths, streamed file by file."""
    for item in list_files(paths):
        if isinstance(item, Rejected):
            yield item
        else:
            yield from read_file(*item, max_bytes=max_bytes)


def read_file(path: Path, source: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """The documents of one file. Any error reading or parsing it becomes its Rejected (for
    JSON Lines, the line's), and the caller goes on with the next file."""
    fmt = input_format(path.name)
    if fmt is None:
        yield Rejected(source, f"unsupported file type {path.suffix or '(no suffix)'!r}; "
                               "expected .txt, .md, .html, .json or .jsonl")
    elif fmt == "jsonl":
        yield from guarded(source, _read_jsonl(path, source, max_bytes))
    else:
        yield from guarded(source, _read_whole(path, source, fmt, max_bytes))


def _read_whole(path: Path, source: str, fmt: str, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    size = path.stat().st_size
    if size > max_bytes:
        yield Rejected(source, f"file is {size} bytes, over the {max_bytes}-byte limit")
        return
    text, encoding = decode(path.read_bytes())
    if fmt == "json":
        yield from parse_json(source, text, encoding)
    elif fmt == "html":
        yield parse_html(source, text, encoding, path.name)
    else:
        yield parse_text(source, text, fmt, encoding, path.name)


def _read_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """JSON Lines are streamed; the size limit applies to each record, not the file."""
    records = 0
    with path.open("rb") as f:
        for lineno, (line, size) in enumerate(_lines(f, max_bytes), start=1):
            if size <= max_bytes and not line.strip():
                continue
            records += 1
            where = f"{source}#L{lineno}"
            if size > max_bytes:
                yield Rejected(where, f"record is {size} bytes, over the {max_bytes}-byte limit")
                continue
            yield rejecting(where, lambda: parse_jsonl_line(where, line))
    if records == 0:
        yield Rejected(source, "empty input: no JSON Lines records")


def _lines(f: BinaryIO, limit: int) -> Iterator[tuple[bytes, int]]:
    """Each line with its size in bytes; a line over `limit` is skipped, not held in memory
    (a file without newlines would otherwise be read whole)."""
    while line := f.readline(limit + 1):
        size = len(line)
        while size > limit and not line.endswith(b"\n"):
            line = f.readline(1 << 20)
            if not line:
                break
            size += len(line)
        yield line, size


DEFAULT_ENTITIES_FILE = Path("entities.yaml")


def read_entities_file(path: str | Path | None) -> list[dict]:
    """The user gazetteer: `path`, else ./entities.yaml when present, else none.

    Raises ValueError (malformed entries, naming them) or FileNotFoundError (a named file
    that does not exist).
    """
    if path is None:
        if not DEFAULT_ENTITIES_FILE.exists():
            return []
        path = DEFAULT_ENTITIES_FILE
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"entities file does not exist: {path}")
    from transforms.entities.resolve import parse_entities_yaml  # (it imports spaCy: only when asked)

    return parse_entities_yaml(path.read_text(encoding="utf-8"), source=str(path))
