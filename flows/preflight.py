"""What a run is asked to do, checked before anything expensive starts.

Prefect's temporary server, spaCy and the pipeline take seconds to start; a mistake in the
command line, the config file, the inputs, the output folder or the pipeline's name must not
wait for them. Everything here is cheap (no spaCy, no Prefect import): `newsfacts run` calls
`check_run` first and answers a mistake with one line and exit code 2 within a second or two.
The flow checks the same things again when Prefect starts it (a deployment has no CLI).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from flows.config import Config, ConfigError, load_config
from transforms.pipeline import ENV_MODEL
# free space a run needs: its inputs about three times over (staging, snapshot, Data Docs)
# plus room for the catalog and the ledger
SPACE_FACTOR = 3
SPACE_MARGIN = 64 * 2**20


class UsageError(ValueError):
    """The run cannot start as configured (exit code 2)."""


def run_config(inputs: list[str] | None, config: str | None, out: str | None,
               spacy_model: str | None) -> Config:
    """What this run reads and where it publishes: the config file (`newsfacts.toml`), with
    inputs, output and pipeline given as arguments taking precedence. Everything is sorted, so
    the order sources are listed in never changes what is published."""
    base = load_config(Path(config)) if config else Config()
    files = sorted({str(Path(p).resolve()) for p in [*base.inputs, *(inputs or [])]})
    return replace(base, inputs=files, feeds=sorted(set(base.feeds)), urls=sorted(set(base.urls)),
                   out=out or base.out or "data", spacy_model=spacy_model or base.spacy_model)


def check_run(inputs: list[str] | None, config: str | None, out: str | None, spacy_model: str | None,
              entities_file: str | None = None) -> Config:
    """The run's configuration (`run_config`), or UsageError saying in one line what is wrong."""
    try:
        sources = run_config(inputs, config, out, spacy_model)
    except ConfigError as e:
        raise UsageError(str(e)) from e
    origin = ("--spacy-model" if spacy_model else f"spacy_model in {config}" if sources.spacy_model
              else f"${ENV_MODEL}")
    check_pipeline(sources.spacy_model or os.environ.get(ENV_MODEL), origin, sources.extractor_modules)
    if entities_file:
        check_entities_file(Path(entities_file))
    check_sources(sources)
    return sources


def check_sources(sources: Config) -> None:
    """Something to read, every input path there, and room for the run in its output folder."""
    if not (sources.inputs or sources.feeds or sources.urls):
        raise UsageError("nothing to read: give --input paths or a config file listing inputs, feeds or urls")
    missing = [p for p in sources.inputs if not os.path.lexists(p)]
    if missing:
        raise UsageError(f"input path does not exist: {', '.join(missing)}")
    check_output(Path(sources.out), SPACE_FACTOR * input_bytes(sources.inputs) + SPACE_MARGIN)


def check_pipeline(name: str | None, origin: str, modules: tuple[str, ...] = ()) -> None:
    """The pipeline can be found: an installed package, a model folder, or "blank:<lang>"
    (loading it is the flow's job; a broken model fails the run there)."""
    for module in modules:
        if importlib.util.find_spec(module.split(".")[0]) is None:
            raise UsageError(f"cannot import the extractor module {module!r} (extractor_modules)")
    if not name:
        return  # the bundled model, else a blank English pipeline
    if name.startswith("blank:"):
        spacy = importlib.util.find_spec("spacy")
        if spacy is None or not (Path(spacy.origin).parent / "lang" / name[6:]).is_dir():
            raise UsageError(f"no spaCy language {name[6:]!r} for {name!r} (set by {origin})")
        return
    path = Path(name)
    if "/" in name or path.exists():
        if not (path / "config.cfg").is_file():
            raise UsageError(f"cannot load the spaCy pipeline {name!r} (set by {origin}): "
                             "not a folder with a spaCy config.cfg")
        return
    if importlib.util.find_spec(name) is None:
        raise UsageError(f"cannot load the spaCy pipeline {name!r} (set by {origin}): no installed "
                         "package of that name and no such folder")


def check_entities_file(path: Path) -> None:
    import yaml

    try:
        yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise UsageError(f"cannot read the entities file {path}: {str(e).splitlines()[0]}") from e


def check_output(out: Path, need_bytes: int = SPACE_MARGIN) -> None:
    """The output folder exists or can be made, can be written, and has room for the run."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"the output folder {out} is a file")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".write-check-"):
            pass
    except OSError as e:
        raise UsageError(f"cannot write to the output folder {out}: {e.strerror or e}") from e
    free = shutil.disk_usage(out).free
    if free < need_bytes:
        raise UsageError(f"only {free / 2**20:,.0f} MB free under {out}; this run needs about "
                         f"{need_bytes / 2**20:,.0f} MB (its inputs {SPACE_FACTOR} times over, plus "
                         f"{SPACE_MARGIN // 2**20} MB)")


def input_bytes(paths: list[str]) -> int:
    """Total size of the input files (folders walked; unreadable entries count nothing)."""
    total = 0
    for p in paths:
        if os.path.isfile(p):
            total += os.path.getsize(p)
        for folder, _, files in os.walk(p):
            for name in files:
                try:
                    total += os.stat(os.path.join(folder, name)).st_size
                except OSError:
                    pass
    return total
