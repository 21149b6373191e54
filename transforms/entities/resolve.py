"""Cross-document entity resolution: a run's per-document entities folded into the published
ones, whose ids are kept forever, and the user gazetteer (`entities.yaml`) that seeds them.

Runs in the parent process as its own step of the flow, after extraction: it needs every
document of the run and the published table.
"""

from __future__ import annotations

import re
from functools import lru_cache

import yaml

from transforms.entities.linking import entity_id
from transforms.entities.names import fold
from transforms.entities.variants import name_words, person_compatible, same_organisation
from transforms.lexicons import load
from transforms.schemas import ENTITY_TYPES


def _name_preference(name: str) -> tuple:
    # The fullest proper form: more words, accents kept ("Nicolás" over "Nicolas"), not shouted.
    return (len(name.split()), sum(not c.isascii() for c in name), not name.isupper(), len(name), name)


@lru_cache(maxsize=1)
def _courtesy() -> frozenset[str]:
    """Roles that are no evidence for a surname's join (`courtesy_titles`, entities lexicon)."""
    return frozenset(load("entities")["courtesy_titles"])


def _telling_roles(row: dict) -> set[str]:
    return {fold(x) for x in row["roles"]} - _courtesy()


def _surname_key(name: str) -> str:
    return fold(name.split()[-1]) if name.split() else ""


def resolve_entities(published: list[dict], local: list[dict], known: list[dict] = ()) -> tuple[list[dict], dict[str, str], list[dict]]:
    """Fold this run's per-document entity rows into the published entities.

    published (list[dict]): the entities table as published (ids are kept forever).
    local (list[dict]): per-document rows set by the linker (`newsfacts_linker`), document-local ids.
    known (list[dict]): user gazetteer entries (`parse_entities_yaml`), which seed entities.
    RETURNS (tuple): the new entities table, {local id: entity id}, and alias rows explaining
        each cross-document merge (rule `same_name`, `alias`, `gazetteer`, `surname_and_role`).

    Matching is by type and folded name; a name that is another entity's alias joins it only
    when the names are variants of one name (`transforms.entities.variants`: "John Smith" and
    "John K. Smith", "Acme Corp." and "Acme Inc"; never "Labour" and "Labour of Robert
    Jackson"); a one-word person name only joins a fuller name when exactly one such person
    exists and they share a role, so two people who share a surname are never merged on the
    surname alone. The user gazetteer wins over every rule: a name or alias it lists joins its
    entry. A place's aliases are never matched (`_matching_forms`): "Washington" standing for
    the United States in one article does not make the city that country in another. Counts are summed: a run only extracts
    documents that were never extracted before.
    """
    known_table = _Known(known, published)
    mapping: dict[str, str] = {}
    merges: list[dict] = []
    for row in sorted(local, key=lambda r: (r["entity_id"], r["name"])):
        target, rule = known_table.fold_in(row)
        mapping[row["entity_id"]] = target
        if rule and target != row["entity_id"]:
            merges.append({"entity_id": target, "alias": row["name"], "rule": rule})
    return known_table.rows(), mapping, merges


class _Known:
    """The entities known so far: rows by id, and the (type, folded name) index they match
    under; the user gazetteer's ids apart (its names are never replaced)."""

    def __init__(self, known: list[dict], published: list[dict]):
        self.table: dict[str, dict] = {}
        self.index: dict[tuple[str, str], str] = {}
        for entry in known:
            self.register({"entity_id": entity_id(entry["type"], entry["name"]), "name": entry["name"],
                           "type": entry["type"], "aliases": sorted(set(entry.get("aliases") or [])),
                           "roles": [], "doc_count": 0, "mention_count": 0,
                           "wikidata_id": entry.get("wikidata_id"), "country": entry.get("country")})
        self.gazetteer_ids = set(self.table)
        for row in sorted(published, key=lambda r: r["entity_id"]):
            if row["entity_id"] in self.table:  # a gazetteer entity: keep its counts, the file wins names
                cur = self.table[row["entity_id"]]
                cur.update(doc_count=row["doc_count"], mention_count=row["mention_count"],
                           aliases=sorted(set(cur["aliases"]) | set(row["aliases"] or [])),
                           roles=list(row["roles"] or []))
            else:
                self.register({**row, "aliases": list(row["aliases"] or []), "roles": list(row["roles"] or [])})

    def register(self, row: dict) -> None:
        self.table[row["entity_id"]] = row
        for alias in _matching_forms(row):
            self.index.setdefault((row["type"], fold(alias)), row["entity_id"])

    def fold_in(self, row: dict) -> tuple[str, str | None]:
        """Add one document's entity row: (the entity id it joins or starts, the merge rule)."""
        target, rule = _match(row, self.table, self.index, self.gazetteer_ids)
        if target is None:
            target = row["entity_id"]
            if target not in self.table:
                self.register({**row, "aliases": list(row["aliases"]), "roles": list(row["roles"]),
                               "doc_count": 0, "mention_count": 0})
                rule = None
        cur = self.table[target]
        cur["doc_count"] += row["doc_count"]
        cur["mention_count"] += row["mention_count"]
        cur["aliases"] = sorted(set(cur["aliases"]) | set(row["aliases"]))
        cur["roles"] = sorted(set(cur["roles"]) | set(row["roles"]))
        if target not in self.gazetteer_ids:
            cur["name"] = max([cur["name"], row["name"]], key=_name_preference)
        for alias in _matching_forms(row):
            self.index.setdefault((cur["type"], fold(alias)), target)
        return target, rule

    def rows(self) -> list[dict]:
        """The entities table: every entity but gazetteer entries no document has named."""
        return sorted((r for r in self.table.values() if r["doc_count"] or r["entity_id"] not in self.gazetteer_ids),
                      key=lambda r: r["entity_id"])


def _matching_forms(row: dict) -> list[str]:
    """Names under which other documents' entities may join this one. A place's aliases are
    left out: they include capitals standing for their country ("Caracas" for Venezuela),
    which are places of their own elsewhere, and countries already carry one standard name."""
    if row["type"] == "GPE":
        return [row["name"]]
    return [row["name"], *row["aliases"]]


def _match(row: dict, table: dict, index: dict, gazetteer_ids: set) -> tuple[str | None, str | None]:
    key = (row["type"], fold(row["name"]))
    if row["entity_id"] in table:
        return row["entity_id"], "same_name"
    if key in index:
        target = index[key]
        if target in gazetteer_ids:
            return target, "gazetteer"  # the user's word wins over every rule
        if _variants(row, table[target]):
            return target, "alias"
    if row["type"] == "PERSON" and len(row["name"].split()) == 1:
        surname = fold(row["name"])
        candidates = [r for r in table.values() if r["type"] == "PERSON"
                      and len(r["name"].split()) > 1 and _surname_key(r["name"]) == surname]
        if len(candidates) == 1 and _telling_roles(row) & _telling_roles(candidates[0]):
            return candidates[0]["entity_id"], "surname_and_role"
    return None, None


def _variants(row: dict, target: dict) -> bool:
    """Whether a document's entity may take the name of another document's entity it shares a
    form with: a person's full name written another way ("John Smith", "John K. Smith"; a bare
    surname is decided with roles), an organisation's name but for its corporate suffix. A
    shorter form of another name ("Labour" of "Labour of Robert Jackson", "Tories" of "South
    Downs Tories") joins nothing: in another article it may be another actor."""
    if row["type"] == "PERSON":
        return len(name_words(row["name"])) > 1 and person_compatible(row["name"], target["name"])
    if row["type"] == "ORG":
        return same_organisation(row["name"], target["name"])
    return False


def parse_entities_yaml(text: str, source: str = "entities.yaml") -> list[dict]:
    """Validate a user gazetteer: a list of {name, type, aliases?, wikidata_id?, country?}.

    Raises ValueError naming the entry and the problem.
    """
    try:
        data = yaml.safe_load(text) or []
    except yaml.YAMLError as e:
        raise ValueError(f"{source}: not valid YAML: {str(e).splitlines()[0]}") from e
    if isinstance(data, dict) and "entities" in data:
        data = data["entities"]
    if not isinstance(data, list):
        raise ValueError(f"{source}: expected a list of entities")
    entries = []
    for i, entry in enumerate(data, start=1):
        where = f"{source}: entry {i}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping with name and type")
        unknown = set(entry) - {"name", "type", "aliases", "wikidata_id", "country"}
        if unknown:
            raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
        name, type_ = entry.get("name"), entry.get("type")
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"{where}: 'name' is required")
        if type_ not in ENTITY_TYPES:
            raise ValueError(f"{where} ({name}): 'type' must be one of {', '.join(ENTITY_TYPES)}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise ValueError(f"{where} ({name}): 'aliases' must be a list of names")
        qid = entry.get("wikidata_id")
        if qid is not None and not (isinstance(qid, str) and re.fullmatch(r"Q[1-9]\d*", qid)):
            raise ValueError(f"{where} ({name}): 'wikidata_id' must look like Q42")
        entries.append({"name": name.strip(), "type": type_, "aliases": [a.strip() for a in aliases],
                        "wikidata_id": qid, "country": entry.get("country")})
    return entries


def remap_entity_ids(rows: list[dict], mapping: dict[str, str]) -> list[dict]:
    """Rows with every `entity_id` / `*_entity_id` value replaced through `mapping`."""
    if not rows or not mapping:
        return rows
    columns = [c for c in rows[0] if c == "entity_id" or c.endswith("_entity_id")]
    return [{**r, **{c: mapping.get(r[c], r[c]) for c in columns if r[c] is not None}} for r in rows]


def finalize_entities(tables: dict[str, list[dict]], published: list[dict], known: list[dict],
                      run_id: str) -> dict[str, list[dict]]:
    """A run's extracted rows with entity ids resolved against the published entities.

    tables: this run's rows per table, with document-local entity ids and per-document
        `entities` rows.
    RETURNS: the same tables with global ids, `entities` as the whole new entities table and
        `entity_aliases` including the cross-document merges, stamped with `run_id`.
    """
    entities, mapping, merges = resolve_entities(published, tables.get("entities", []), known)
    out = {name: remap_entity_ids(rows, mapping) for name, rows in tables.items() if name != "entities"}
    out["entities"] = entities
    aliases = out.get("entity_aliases", []) + [{**m, "doc_id": None} for m in merges]
    unique = {(a["entity_id"], a["alias"], a["rule"], a["doc_id"]): a for a in aliases}
    out["entity_aliases"] = [{**a, "run_id": run_id} for _, a in sorted(unique.items(), key=lambda kv: tuple(str(x) for x in kv[0]))]
    return out
