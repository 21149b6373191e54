"""The run configuration file, `newsfacts.toml`: which sources a nightly run reads and how.

The nightly deployment reads one TOML file; every key is optional and checked, so a typo fails
loudly at start-up instead of silently running with a default::

    # Files and folders (walked recursively); relative paths are relative to this file's folder.
    inputs = ["seeds"]
    # RSS 2.0 / Atom feeds: every entry's link is fetched as an article page.
    feeds = ["https://example.org/news/rss.xml"]
    # Article pages fetched one by one.
    urls = ["https://example.org/2025/12/01/reward.html"]
    # Where the warehouse is published (relative to this file's folder); the CLI's default if absent.
    out = "data"
    # An installed spaCy pipeline's name, or a path (one containing "/", relative to this file's
    # folder); the project's own pipeline if absent.
    spacy_model = "models/newsfacts_en"
    # The extractor components run after the model, by spaCy factory name and in order (this is
    # the default); a user's own factories are registered by importing `extractor_modules`.
    extractors = ["newsfacts_linker", "newsfacts_amounts", "newsfacts_demands", "newsfacts_events"]
    extractor_modules = []          # importable module names, e.g. "my_newsroom.extractors"
    # spaCy worker processes and documents per nlp.pipe batch; the command line's --n-process
    # and --batch-size win over these.
    # n_process = 4                 # absent: every core this process may use
    batch_size = 16                 # the fastest measured (benchmarks/batch_size.py)
    # A Dask scheduler: input files are read and documents extracted on its workers (README,
    # "Distributed runs"); --dask wins over it.
    # dask = "tcp://scheduler.example:8786"

    [http]                          # how feeds and pages are fetched; every key has a default
    timeout_s = 10.0                # limit for connecting and for each read of a response
    retries = 3                     # further attempts after a timeout, connection error, 429 or 5xx
    backoff_s = 1.0                 # wait before retry n is backoff_s * 2**(n-1)
    max_retry_after_s = 60.0        # a server's Retry-After is honoured up to this many seconds
    per_host_interval_s = 1.0       # at least this long between two requests to the same host
    user_agent = "my-newsroom-bot/1.0 (+https://example.org/contact)"  # absent: newsfacts/<version> (+project URL)
    max_redirects = 5
    max_entries_per_feed = 200      # the first entries of a feed (feeds list the newest first);
                                    # the rest are counted, not fetched
    response_deadline_s = 60.0      # a whole response (headers and body) must arrive within this
    # run_deadline_s = 3600.0       # all fetching of a run; absent (the default): no limit. Feeds
                                    # and pages left when it passes become quarantine rows.
    # Loopback, private, link-local, multicast, reserved and unspecified addresses are refused
    # (after DNS, at every redirect) unless the host, or a network holding the address, is here:
    allow_private_addresses = []    # e.g. ["intranet.example.org", "10.20.0.0/16", "127.0.0.1"]

A file that lists no source at all (no inputs, feeds or urls) is an error too: a nightly run
that ingests nothing is a deployment mistake, not a quiet night.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from dataclasses import dataclass, field, fields
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from transforms.machine import usable_cores

PROJECT_URL = "https://github.com/newsfacts/newsfacts"
# Documents per nlp.pipe batch, the fastest of 16/32/64/128 in benchmarks/batch_size.py (1,000 bulk
# articles, 2 processes of one matrix thread each: 20.1, 20.4, 20.5 and 22.7 s; 300: 6.1, 6.6, 7.2
# and 7.4 s). Before each worker was held to its share of the cores' matrix threads
# (`transforms.extract.blas_threads`), 128 was fastest.
DEFAULT_BATCH_SIZE = 16


class ConfigError(ValueError):
    """The config file cannot be used; the message names the file, the key and the problem."""


def package_version() -> str:
    try:
        return version("newsfacts")
    except PackageNotFoundError:
        return "0+unknown"


def default_user_agent() -> str:
    """Names the project and where to reach it, as polite crawlers do."""
    return f"newsfacts/{package_version()} (+{PROJECT_URL})"


@dataclass(frozen=True)
class HttpSettings:
    """How feeds and pages are fetched (the `[http]` table)."""

    timeout_s: float = 10.0
    retries: int = 3
    backoff_s: float = 1.0
    max_retry_after_s: float = 60.0
    per_host_interval_s: float = 1.0
    user_agent: str = field(default_factory=default_user_agent)
    max_redirects: int = 5
    max_entries_per_feed: int = 200
    response_deadline_s: float = 60.0
    run_deadline_s: float | None = None  # None: no limit
    allow_private_addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """A parsed `newsfacts.toml`, with relative paths already resolved."""

    inputs: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    out: str | None = None
    spacy_model: str | None = None
    extractors: tuple[str, ...] | None = None
    extractor_modules: tuple[str, ...] = ()
    n_process: int = field(default_factory=usable_cores)
    batch_size: int = DEFAULT_BATCH_SIZE
    dask: str | None = None
    http: HttpSettings = field(default_factory=HttpSettings)


# bool is excluded from the numbers on purpose: `retries = true` is a mistake, not 1.
def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST_NAME = re.compile(rf"{_LABEL}(\.{_LABEL})*\.?", re.IGNORECASE)


def _is_host_or_network(v: Any) -> bool:
    """An IP address, a CIDR network (`10.0.0.0/8`, `fd00::/8`) or a DNS host name."""
    if not isinstance(v, str):
        return False
    try:
        ipaddress.ip_network(v, strict=False)
        return True
    except ValueError:
        return "/" not in v and _HOST_NAME.fullmatch(v) is not None


# [http] key -> (what it must be, for messages; its check).
_HTTP_KEYS = {
    "timeout_s": ("a number > 0", lambda v: _is_number(v) and v > 0),
    "retries": ("an integer >= 0", lambda v: _is_int(v) and v >= 0),
    "backoff_s": ("a number >= 0", lambda v: _is_number(v) and v >= 0),
    "max_retry_after_s": ("a number >= 0", lambda v: _is_number(v) and v >= 0),
    "per_host_interval_s": ("a number >= 0", lambda v: _is_number(v) and v >= 0),
    "user_agent": ("a non-empty string", lambda v: isinstance(v, str) and v.strip() != ""),
    "max_redirects": ("an integer >= 0", lambda v: _is_int(v) and v >= 0),
    "max_entries_per_feed": ("an integer >= 1", lambda v: _is_int(v) and v >= 1),
    "response_deadline_s": ("a number > 0", lambda v: _is_number(v) and v > 0),
    "run_deadline_s": ("a number > 0", lambda v: _is_number(v) and v > 0),
    "allow_private_addresses": ("a list of host names, IP addresses or CIDR networks",
                                lambda v: isinstance(v, list) and all(map(_is_host_or_network, v))),
}
_TOP_KEYS = {"inputs", "feeds", "urls", "out", "spacy_model", "extractors", "extractor_modules",
             "n_process", "batch_size", "dask", "http"}


def load_config(path: Path) -> Config:
    """The configuration in a TOML file.

    path (Path): the config file; relative paths inside it are resolved against its folder.
    RETURNS (Config): the sources and settings, defaults filled in.
    Raises ConfigError for a missing or malformed file, unknown keys, wrong types, URLs that are
    not http(s) and a file that lists no source.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file does not exist") from None
    except OSError as e:
        raise ConfigError(f"{path}: unreadable config file: {e.strerror or e}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    return parse_config(data, path)


def parse_config(data: dict, path: Path) -> Config:
    """A Config from the parsed TOML of `path` (named in errors, its folder resolves paths)."""
    _check_known(data, _TOP_KEYS, path, prefix="")
    base = path.absolute().parent
    inputs = [str(_resolve(p, base)) for p in _string_list(data, "inputs", path)]
    feeds = _url_list(data, "feeds", path)
    urls = _url_list(data, "urls", path)
    if not (inputs or feeds or urls):
        raise ConfigError(f"{path}: no sources: give at least one of 'inputs', 'feeds' or 'urls'")
    out = _opt_string(data, "out", path)
    spacy_model = _opt_string(data, "spacy_model", path)
    # A bare name is an installed package, never a file next to the config.
    if spacy_model is not None and "/" in spacy_model:
        spacy_model = str(_resolve(spacy_model, base))
    return Config(
        inputs=inputs, feeds=feeds, urls=urls,
        out=str(_resolve(out, base)) if out is not None else None,
        spacy_model=spacy_model,
        extractors=tuple(_string_list(data, "extractors", path)) if "extractors" in data else None,
        extractor_modules=tuple(_string_list(data, "extractor_modules", path)),
        n_process=_positive_int(data, "n_process", path, usable_cores()),
        batch_size=_positive_int(data, "batch_size", path, DEFAULT_BATCH_SIZE),
        dask=_opt_string(data, "dask", path),
        http=_http_settings(data.get("http", {}), path),
    )


def _http_settings(table: Any, path: Path) -> HttpSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'http' must be a table ([http]), not {_type_name(table)}")
    _check_known(table, _HTTP_KEYS, path, prefix="http.")
    for key, value in table.items():
        expected, ok = _HTTP_KEYS[key]
        if not ok(value):
            raise ConfigError(f"{path}: 'http.{key}' must be {expected}, not {_show(value, expected)}")
    # TOML integers are fine where seconds are expected; the dataclass keeps floats.
    floats = {f.name for f in fields(HttpSettings) if f.type.startswith("float")}
    values = {k: float(v) if k in floats else v for k, v in table.items()}
    if "allow_private_addresses" in values:
        values["allow_private_addresses"] = tuple(values["allow_private_addresses"])
    return HttpSettings(**values)


def _check_known(table: dict, known: set[str] | dict, path: Path, prefix: str) -> None:
    for key in table:
        if key not in known:
            raise ConfigError(f"{path}: unknown key '{prefix}{key}' "
                              f"(known: {', '.join(prefix + k for k in sorted(known))})")


def _string_list(data: dict, key: str, path: Path) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(f"{path}: '{key}' must be a list of strings, not {_show(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise ConfigError(f"{path}: '{key}[{i}]' must be a non-empty string, not {_show(item)}")
    return list(value)


def _url_list(data: dict, key: str, path: Path) -> list[str]:
    urls = _string_list(data, key, path)
    for i, url in enumerate(urls):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{path}: '{key}[{i}]' must be an http(s) URL, not {url!r}")
    return urls


def _opt_string(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{path}: '{key}' must be a non-empty string, not {_show(value)}")
    return value


def _positive_int(data: dict, key: str, path: Path, default: int) -> int:
    value = data.get(key, default)
    if not _is_int(value) or value < 1:
        raise ConfigError(f"{path}: '{key}' must be an integer >= 1, not {_show(value, 'an integer')}")
    return value


def _resolve(value: str, base: Path) -> Path:
    p = Path(value).expanduser()
    return p if p.is_absolute() else base / p


def _type_name(value: Any) -> str:
    return {dict: "a table", list: "a list", str: "a string", bool: "a boolean",
            int: "an integer", float: "a number"}.get(type(value), type(value).__name__)


def _show(value: Any, expected: str = "") -> str:
    # a value of the right kind but out of range is shown as itself: "must be a number > 0, not -1"
    if expected.startswith("a number") and _is_number(value) or expected.startswith("an integer") and _is_int(value):
        return repr(value)
    return f"{_type_name(value)} ({value!r})"
