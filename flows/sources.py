"""Reading inputs from disk: the only place that opens input files.

Walks files and folders in a stable order and hands bytes to `transforms.ingest`, turning every
failure into a `Rejected` so that one bad file never stops a run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from transforms.entities.resolve import parse_entities_yaml
from transforms.ingest import (
    IngestError, RawDocument, Rejected, decode, input_format, parse_html, parse_json,
    parse_jsonl_line, parse_text,
)


class InputError(ValueError):
    """An input path given by the user does not exist."""


def list_files(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(path, source name relative to its input root) for every file under the inputs, sorted."""
    for root in paths:
        if not root.exists():
            raise InputError(f"input path does not exist: {root}")
        if root.is_file():
            yield root, root.name
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            yield path, path.relative_to(root).as_posix()


def read_inputs(paths: list[Path], *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """Every document or rejection found under the input paths, streamed file by file."""
    for path, source in list_files(paths):
        yield from read_file(path, source, max_bytes=max_bytes)


def read_file(path: Path, source: str, *, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    fmt = input_format(path.name)
    if fmt is None:
        yield Rejected(source, f"unsupported file type {path.suffix or '(no suffix)'!r}; "
                               "expected .txt, .md, .html, .json or .jsonl")
        return
    try:
        size = path.stat().st_size
        if fmt == "jsonl":
            yield from _read_jsonl(path, source, max_bytes)
            return
        if size > max_bytes:
            yield Rejected(source, f"file is {size} bytes, over the {max_bytes}-byte limit")
            return
        data = path.read_bytes()
    except OSError as e:
        yield Rejected(source, f"unreadable file: {e.strerror or e}")
        return
    try:
        text, encoding = decode(data)
        if fmt == "json":
            yield from parse_json(source, text, encoding)
        elif fmt == "html":
            yield parse_html(source, text, encoding, path.name)
        else:
            yield parse_text(source, text, fmt, encoding, path.name)
    except IngestError as e:
        yield Rejected(source, str(e))


def _read_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[RawDocument | Rejected]:
    """JSON Lines are streamed; the size limit applies to each record, not the file."""
    records = 0
    with path.open("rb") as f:
        for lineno, line in enumerate(f, start=1):
            if not line.strip():
                continue
            records += 1
            where = f"{source}#L{lineno}"
            if len(line) > max_bytes:
                yield Rejected(where, f"record is {len(line)} bytes, over the {max_bytes}-byte limit")
                continue
            try:
                yield parse_jsonl_line(where, line)
            except IngestError as e:
                yield Rejected(where, str(e))
    if records == 0:
        yield Rejected(source, "empty input: no JSON Lines records")


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
    return parse_entities_yaml(path.read_text(encoding="utf-8"), source=str(path))
