"""A night with nothing new, in a second or two: decided and published without Prefect or spaCy.

`newsfacts run` asks `quick_noop` before it starts Prefect (its temporary server takes 8-17 s)
or loads the pipeline (2-4 s). Under the run lock, as the flow does, it reads and hashes the
inputs; when every one is a document already published by the current extractor version, it
does what the flow's nothing-new path does: the same `runs` row, the same republished snapshot,
the same structured log and report. Anything else (feeds or pages to fetch, a document to
extract or re-extract, an input to quarantine, a Prefect API to record the run in, an extractor
version it cannot compute without loading the pipeline) leaves the output as it found it, and
the flow runs.

The extractor version (`flows.nightly.extractor_version`) is computed here from the files the
pipeline would be loaded from: the model's `meta.json` and the trained extractors' weights.
The runs row, the publication and the report are the flow's own (`flows/ledger.py`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import secrets
import tomllib
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from flows.config import Config, package_version
from flows.ledger import InputFiles, publish_snapshot, record_lost_run, run_row, take_over, write_report
from flows.warehouse import LockedError, PublishError, StageClock, Warehouse
from transforms.entities import ner
from transforms.pipeline import (
    ENTITY_TYPES, ENV_COMPONENT_MODELS, ENV_MATMUL, EXTRACTORS, MODELS, NER, resolve_model_name,
)

logger = logging.getLogger("newsfacts.quick")

# The trained extractors: the name their `version` starts with, the model files their digest
# covers, in order (`transforms.ranker.load_folder`), those it covers after them where the folder
# has them (the amounts' anaphora resolver, `AmountModel.load`), and their shipped model folder.
TRAINED = {
    "newsfacts_amounts": ("amounts", ("purpose", "subject", "payer"), ("coref",), MODELS / "newsfacts_amounts"),
    "newsfacts_demands": ("demands", ("demand", "actor", "addressee", "category"), (), MODELS / "newsfacts_demands"),
    "newsfacts_events": ("events", ("type", "mode", "source", "target"), (), MODELS / "newsfacts_events"),
}
NOTHING_NEW = "passed (nothing new)"


def cheap_extractor_version(spec) -> str | None:
    """`flows.nightly.extractor_version(spec)` without loading the pipeline, or None when it
    cannot be told from files alone: a user's extractor modules or factories, an installed
    pipeline package, a model folder spaCy would refuse, settings the flow would reject.

    spec (PipelineSpec): the model, the extractors and the extractor modules.
    RETURNS (str | None): `newsfacts-<package version>/<model_version of the loaded pipeline>`.
    """
    extractors = tuple(spec.extractors)
    if spec.modules or not set(extractors) <= set(EXTRACTORS) or len(set(extractors)) < len(extractors):
        return None
    if os.environ.get(ENV_MATMUL, "numpy").strip().lower() not in ("numpy", "blis"):
        return None
    meta = _model_meta(resolve_model_name(spec.model))
    folders = _component_models(extractors)
    if meta is None or folders is None:
        return None
    version = f"{meta['lang']}_{meta['name']}-{meta['version']}"
    if extractors != EXTRACTORS:
        version = f"{version}+{','.join(extractors)}"
    parts = [version]
    if "ner" in meta.get("pipeline", ()):
        tuned = ner.tuned_folder(resolve_model_name(spec.model), folders.get(NER))
        try:
            parts += [ner.weights_name(tuned)] if tuned else []
        except OSError:  # loading would fail
            return None
        entities = _entities_part(folders.get(ENTITY_TYPES))
        if entities is False:
            return None
        parts += [entities] if entities else []
    for name in extractors:
        if name in TRAINED:
            what, files, optional, shipped = TRAINED[name]
            folder = folders.get(name) or shipped
            digest = _weights_digest(folder, files + tuple(n for n in optional if (folder / f"{n}.json").is_file()))
            if digest is None:
                return None
            parts.append(f"{what}:{digest}")
    return f"newsfacts-{package_version()}/{'+'.join(parts)}"


def _entities_part(folder: Path | None) -> str | None | bool:
    """The entity typing's part of the version: its span model's digest, None when no model is
    given or shipped (the rules decide alone), False where loading would fail."""
    shipped = MODELS / "newsfacts_entities"
    if folder is None and not (shipped / "span.json").is_file():
        return None
    digest = _weights_digest(folder or shipped, ("span",))
    return f"entities:{digest}" if digest else False


def _model_meta(resolved: str) -> dict | None:
    """The lang, name and version `spacy.load` gives the pipeline's meta: a blank pipeline's
    defaults, or a model folder's `meta.json` (spaCy refuses one without them). None for a
    package name: spaCy would look it up among installed packages first."""
    if resolved.startswith("blank:"):
        return {"lang": resolved[6:], "name": "pipeline", "version": "0.0.0"}
    folder = Path(resolved)
    if "/" not in resolved or not (folder / "config.cfg").is_file():
        return None
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) and meta[k]
                                             for k in ("lang", "name", "version")):
        return None
    return meta


def _component_models(extractors: tuple[str, ...]) -> dict[str, Path | None] | None:
    """$NEWSFACTS_COMPONENT_MODELS as the pipeline reads it ({component: model folder}), or
    None where loading would fail (not JSON, a component the pipeline lacks, not a path)."""
    text = os.environ.get(ENV_COMPONENT_MODELS, "")
    try:
        models = json.loads(text) if text else {}
    except ValueError:
        return None
    if not isinstance(models, dict) or set(models) - set(extractors) - {ENTITY_TYPES, NER}:
        return None
    if not all(v is None or isinstance(v, str) for v in models.values()):
        return None
    return {name: Path(v) if v else None for name, v in models.items()}


def _weights_digest(folder: Path, files: tuple[str, ...]) -> str | None:
    """The digest `transforms.ranker.load_folder` records of a model folder, or None when a
    file is missing (loading would fail)."""
    try:
        return hashlib.sha256(b"".join((folder / f"{n}.json").read_bytes() for n in files)).hexdigest()[:12]
    except OSError:
        return None


def prefect_api_configured(cwd: Path | None = None) -> bool:
    """Whether Prefect would talk to a server an operator runs (the run must be recorded there):
    PREFECT_API_URL in the environment, a `.env`, `prefect.toml` or `pyproject.toml` of the
    working folder, or the active Prefect profile. Read from the files, as importing Prefect's
    settings costs two seconds; what cannot be read counts as configured (the flow then runs)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    cwd = cwd or Path.cwd()
    try:
        if "PREFECT_API_URL" in _read_text(cwd / ".env"):
            return True
        if _toml(cwd / "prefect.toml").get("api", {}).get("url"):
            return True
        if _toml(cwd / "pyproject.toml").get("tool", {}).get("prefect", {}).get("api", {}).get("url"):
            return True
        home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
        profiles = _toml(Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser())
        active = os.environ.get("PREFECT_PROFILE") or profiles.get("active", "ephemeral")
        return bool(profiles.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))
    except (OSError, ValueError, AttributeError):
        return True


def _read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _toml(path: Path) -> dict:
    return tomllib.loads(_read_text(path))


class NotNothing(Exception):
    """The night has work (or a question) for the flow."""


def quick_noop(sources: Config, *, reprocess: bool, entities_file: str | None, keep_snapshots: int,
               max_bytes: int) -> dict | None:
    """The flow's nothing-new night, without Prefect or spaCy, when that is what tonight is.

    sources (Config): the run's configuration (`flows.preflight.check_run`).
    RETURNS (dict | None): the run's `runs` row, its snapshot published and the lock released;
        or None, the output as it was, when the flow must run: feeds or pages to fetch,
        `reprocess`, a new, changed, stale or quarantined input, nothing published yet, a
        Prefect API configured, an extractor version not computable without the pipeline, the
        lock held, a configuration problem or an error before publication (the flow does it
        again, with its retries, and records what fails).
    """
    if reprocess or sources.feeds or sources.urls or prefect_api_configured():
        return None
    spec = SimpleNamespace(model=sources.spacy_model, extractors=sources.extractors or EXTRACTORS,
                           modules=sources.extractor_modules)
    version = cheap_extractor_version(spec)
    warehouse = Warehouse(Path(sources.out), keep_snapshots=keep_snapshots)
    if version is None or not warehouse.link.is_symlink():
        return None
    started_at = datetime.now(UTC)
    run_id = f"{started_at:%Y%m%dT%H%M%S}Z-{secrets.token_hex(3)}"
    try:
        lock = warehouse.lock(run_id).acquire()
    except (LockedError, OSError):  # another run started since `busy`, or no lock can be written
        return None  # (the flow reports either)
    clock, handled = StageClock(warehouse, run_id), True
    try:
        take_over(warehouse, lock, logger)
        _configuration_ok(sources, entities_file)
        ingested = _ingest_known(sources, warehouse, run_id, started_at, version, max_bytes)
        clock.done("ingest", seen=ingested.seen, staged=0, duplicates=ingested.duplicates, quarantined=0,
                   reprocessed=0)
        done = run_row(run_id, started_at, [*sources.inputs], ingested, [], version.split("/", 1)[1],
                       status="success", tables={}, validation=NOTHING_NEW)
        snapshot = publish_snapshot(warehouse, {}, [], done)
        clock.done("publish", snapshot=snapshot.name)
        ingested.files.save()
        return done
    except NotNothing:
        handled = False
        return None
    except Exception:  # a full disk, a permission, an injected fault
        warehouse.discard(run_id)  # first: on a full disk this frees room for the record
        if not _is_current(warehouse, run_id):
            handled = False
            return None
        return record_lost_run(warehouse, run_id, started_at, [*sources.inputs], "failed after publication")
    except KeyboardInterrupt:  # as the flow records SIGINT
        warehouse.discard(run_id)
        record_lost_run(warehouse, run_id, started_at, [*sources.inputs],
                        f"interrupted by SIGINT (after {clock.last})")
        raise
    finally:
        warehouse.discard(run_id)
        if handled:  # (else the flow runs next, and writes it)
            write_report(warehouse, logger)
        lock.release()


def _configuration_ok(sources: Config, entities_file: str | None) -> None:
    """The flow fails a run whose inputs are gone, whose output has no room or whose entities
    file cannot be read (`configuration_problem`): NotNothing, and the flow records it."""
    from flows.preflight import check_sources
    from flows.sources import read_entities_file

    try:
        check_sources(sources)
        read_entities_file(entities_file)
    except (OSError, ValueError) as e:  # (UsageError is a ValueError)
        raise NotNothing(str(e)) from e


def _ingest_known(sources: Config, warehouse: Warehouse, run_id: str, started_at: datetime,
                  version: str, max_bytes: int) -> SimpleNamespace:
    """The flow's `ingest` counts when every input is a document published by `version`;
    NotNothing at the first one that is not. A file unchanged since a run last read it
    (`InputFiles`) is not read again: its recorded documents are looked up instead."""
    from transforms.ingest import Known, new_documents

    seen = 0
    known = warehouse.published_versions()
    files = InputFiles(warehouse, version, max_bytes)
    stream = files.read([Path(p) for p in sources.inputs], max_bytes=max_bytes, known=known)
    for item in new_documents(stream, known=known, run_id=run_id, at=started_at, extractor_version=version):
        if not (isinstance(item, Known) and item.published and not item.stale):
            raise NotNothing(getattr(item, "doc_id", None) or getattr(item, "source", ""))
        files.note(item)
        seen += 1
    seen += files.unchanged_documents
    if not seen:
        raise NotNothing("no inputs")
    return SimpleNamespace(seen=seen, duplicates=seen, skipped=seen, stale=0, reprocessed=0,
                           feed_entries_skipped=0, files=files)


def _is_current(warehouse: Warehouse, run_id: str) -> bool:
    with suppress(OSError, PublishError):
        return getattr(warehouse.current(), "name", None) == run_id
    return False
