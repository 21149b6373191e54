"""`newsfacts_events`: the events component's place in the pipeline.

It finds no events yet (the events issue trains it); it is registered and runs so that the
`events` table is fed like every other fact table, and so that a user's own events extractor
can take its place in the pipeline configuration.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from transforms.facts import set_facts


@Language.factory("newsfacts_events", requires=["doc._.facts"], assigns=["doc._.facts"])
def make_events(nlp: Language, name: str):
    return find_events


def find_events(doc: Doc) -> Doc:
    set_facts(doc, "events", [])
    return doc
