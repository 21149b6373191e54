import pytest
import spacy

import transforms.entities.linking  # noqa: F401  (registers newsfacts_linker)
import transforms.entities.types  # noqa: F401  (registers newsfacts_entity_types)


@pytest.fixture(scope="package")
def ruled():
    """A pipeline whose 'NER' is a ruler emitting CoNLL labels, so typing is tested alone."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("entity_ruler").add_patterns([
        {"label": "PER", "pattern": "Nicolás Maduro"},
        {"label": "PER", "pattern": "Maduro"},
        {"label": "LOC", "pattern": "Venezuela"},
        {"label": "LOC", "pattern": "Caribbean"},
        {"label": "LOC", "pattern": "US"},
        {"label": "LOC", "pattern": "Alps"},
        {"label": "LOC", "pattern": [{"LOWER": "gulf"}, {"LOWER": "of"}, {"LOWER": "mexico"}]},
        {"label": "MISC", "pattern": "Venezuelans"},
        {"label": "MISC", "pattern": "iPhone"},
        {"label": "MISC", "pattern": [{"LOWER": "gulf"}, {"LOWER": "war"}]},
        {"label": "MISC", "pattern": [{"LOWER": "paris"}, {"LOWER": "agreement"}]},
        {"label": "DATE", "pattern": "Friday"},
    ])
    nlp.add_pipe("newsfacts_entity_types")
    nlp.add_pipe("newsfacts_linker")
    return nlp
