"""The NER tuned on gold articles (`transforms.entities.ner`): labels from the gold, training,
and the pipeline loading the tuned weights. Invented articles only."""

import json

import numpy
import pytest
import spacy

from transforms.entities import confirm, ner
from transforms.nlp import ModelError, PipelineSpec, load_pipeline
from transforms.pipeline import BUNDLED_MODEL, ENV_COMPONENT_MODELS, META_NER

ARTICLE = {
    "text": "Brenvik Holdings said on Monday that Oda Lunn would lead Brenvik's Norwegian arm. "
            "The Brenvik board met in Tromso.",
    "gold": {"entities": [
        {"name": "Brenvik Holdings", "type": "ORG", "aliases": ["Brenvik Holdings", "Brenvik"]},
        {"name": "Oda Lunn", "type": "PERSON", "aliases": ["Oda Lunn"]},
        {"name": "Tromso", "type": "GPE", "aliases": ["Tromso"]},
        {"name": "Norwegian", "type": "NORP", "aliases": ["Norwegian"], "optional": True},
        {"name": "Brenvik board", "type": "ORG", "aliases": ["Brenvik board"], "optional": True},
    ]},
}


def test_alias_spans_are_whole_words_with_conll_labels():
    spans = ner.alias_spans(ARTICLE)
    text = ARTICLE["text"]
    found = sorted((text[a:b], label) for a, b, label in spans)
    # "Brenvik" wherever it is a word (in the longer alias, "Brenvik's", "Brenvik board"); an
    # optional description is unknown (None), a nationality is MISC
    assert found.count(("Brenvik", "ORG")) == 3
    assert ("Oda Lunn", "PER") in found and ("Tromso", "LOC") in found
    assert ("Norwegian", "MISC") in found and ("Brenvik board", None) in found


def test_token_spans_keep_the_longest_and_make_two_labels_unknown():
    nlp = spacy.blank("en")
    doc = nlp("Kell Marine and Kell")
    index = list(range(len(doc)))
    spans = ner.token_spans(doc, index, [(0, 4, "ORG"), (0, 11, "ORG"), (16, 20, "ORG"), (16, 20, "PER")])
    assert (0, 2, "ORG") in spans  # "Kell Marine", not "Kell" inside it
    assert (3, 4, None) in spans  # "Kell" as ORG and as PER: unknown
    assert len(spans) == 2


@pytest.fixture(scope="module")
def base():
    return spacy.load(BUNDLED_MODEL)


def test_reference_holds_gold_entities_and_unknown_words(base):
    [ref] = ner.references(base, [ARTICLE])
    assert all(not t.is_space for t in ref)  # the words the pipeline's NER reads
    ents = [(e.text, e.label_) for e in ref.ents]
    assert ents[:2] == [("Brenvik Holdings", "ORG"), ("Oda Lunn", "PER")]
    assert ("Tromso", "LOC") in ents and ("Norwegian", "MISC") in ents
    unknown = [t.text for t in ref if t.ent_iob == 0]
    assert unknown == ["Brenvik", "board"]  # the optional description
    assert ref[0].ent_iob_ == "B" and [t.ent_iob_ for t in ref if t.text == "said"] == ["O"]


def _articles():
    # an invented lower-case brand the base NER has no reason to call an organisation
    names = ["Pell Varga", "Anouk Brandt", "Tomas Reel", "Ines Kolar", "Bram Oster", "Lise Vahl",
             "Aida Pruss", "Joost Maal", "Rina Sole", "Ugo Fenn"]
    return [{"id": f"a{i}", "text": f"{name} joined zentrova last year. zentrova makes pumps, "
             f"and {name} runs its plant.",
             "gold": {"entities": [{"name": "zentrova", "type": "ORG", "aliases": ["zentrova"]},
                                   {"name": name, "type": "PERSON", "aliases": [name]}]}}
            for i, name in enumerate(names)]


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    conll = tmp_path_factory.mktemp("conll") / "train.txt"
    conll.write_text("-DOCSTART- -X- -X- O\n\nHarlo NNP B-NP B-ORG\nrose VBD B-VP O\n. . O O\n\n",
                     encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(ner.ENV_CONLL, str(conll))
        first = ner.train_ner(_articles(), tmp_path_factory.mktemp("a"), seed=0)
        load_pipeline()  # (it switches thinc's matrix library: the tuning must not follow)
        second = ner.train_ner(_articles(), tmp_path_factory.mktemp("b"), seed=0)
    return first, second


def test_tuning_is_seeded_and_learns_the_gold(tuned, base):
    first, second = tuned
    assert (first / "ner" / "model").read_bytes() == (second / "ner" / "model").read_bytes()
    assert not (first / "ner" / "vocab").exists()  # the bundled model's, not copied
    meta = json.loads((first / "meta.json").read_text())
    assert meta["articles"] == 10 and meta["rehearsal_documents"] == 1
    # the verifiers: the same tuning with the next seeds, as seeded
    assert meta["verifier_seeds"] == [1, 2]
    models = [(first / f"verify-{i}" / "model").read_bytes() for i in (1, 2)]
    assert models == [(second / f"verify-{i}" / "model").read_bytes() for i in (1, 2)]
    assert len({(first / "ner" / "model").read_bytes(), *models}) == 3
    text = "Karin Dahl said zentrova would hire."
    assert "zentrova" not in [e.text for e in base(text).ents]
    nlp = spacy.load(BUNDLED_MODEL)
    ner.apply(nlp, first)
    assert ("zentrova", "ORG") in [(e.text, e.label_) for e in nlp(text).ents]


def _weights(nlp):
    model = nlp.get_pipe("ner").model
    return [node.get_param(n) for node in model.walk() for n in node.param_names if node.has_param(n)]


def test_articles_not_annotated_for_entities_leave_the_bundled_weights(tmp_path, base):
    folder = ner.train_ner([{"text": "Halvorsen paid $5m.", "gold": {"amounts": []}}], tmp_path)
    assert json.loads((folder / "meta.json").read_text())["articles"] == 0
    loaded = spacy.load(BUNDLED_MODEL)
    ner.apply(loaded, folder)
    pairs = list(zip(_weights(loaded), _weights(base)))
    assert pairs and all(numpy.array_equal(a, b) for a, b in pairs)


def test_pipeline_loads_a_folds_tuned_ner_and_names_it(tuned, monkeypatch):
    first, _ = tuned
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"ner": str(first)}))
    nlp = load_pipeline(PipelineSpec(extractors=()))
    assert nlp.meta[META_NER].startswith("ner-")
    # its verifiers read the doubtful entities again, after the parser
    steps = nlp.get_pipe("newsfacts_on_words").components
    assert isinstance(steps[-1], confirm.Confirm) and len(steps[-1].verifiers) == 2
    assert any(isinstance(s, confirm.MarginNER) for s in steps)
    assert "zentrova" in [e.text for e in nlp("Karin Dahl said zentrova would hire.").ents]
    # the trainers read the untuned NER's parse
    assert META_NER not in load_pipeline(PipelineSpec(extractors=(), tuned_ner=False)).meta


def test_a_bad_tuned_ner_folder_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "ner").mkdir()
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"ner": str(tmp_path)}))
    with pytest.raises(ModelError, match="tuned NER"):
        load_pipeline(PipelineSpec(extractors=()))


def test_the_recorded_weights_name_covers_the_verifiers(tuned, tmp_path):
    import shutil

    first, _ = tuned
    alone = tmp_path / "alone"
    shutil.copytree(first / "ner", alone / "ner")
    assert ner.weights_name(alone) != ner.weights_name(first)
    without = ner.weights_name(alone)
    shutil.copytree(first / "verify-1", alone / "verify-1")
    assert ner.weights_name(alone) not in (without, ner.weights_name(first))


def test_a_verifier_folder_without_its_weights_is_a_clear_error(tuned, tmp_path, monkeypatch):
    import shutil

    first, _ = tuned
    shutil.copytree(first / "ner", tmp_path / "ner")
    (tmp_path / "verify-1").mkdir()
    monkeypatch.setenv(ENV_COMPONENT_MODELS, json.dumps({"ner": str(tmp_path)}))
    with pytest.raises(ModelError, match="tuned NER"):
        load_pipeline(PipelineSpec(extractors=()))
