"""The learned chooser: it learns which features mark the right candidate, saves and loads."""

import json

import pytest

from transforms.ranker import Choice, Ranker, fit


def _choices():
    # The right candidate is the one that is the verb's subject, wherever it stands; position
    # alone misleads (the subject comes first in only half of the choices).
    out = []
    for n in range(20):
        subject_first = n % 2 == 0
        subject = ["dep=nsubj", "where=before" if subject_first else "where=after"]
        other = ["dep=obj", "where=after" if subject_first else "where=before"]
        out.append(Choice([subject, other] if subject_first else [other, subject],
                          frozenset({0 if subject_first else 1})))
    return out


def test_it_learns_the_feature_that_marks_the_right_candidate():
    model = fit(_choices())
    assert model.weights["dep=nsubj"] > model.weights["dep=obj"]
    assert model.best([["dep=obj", "where=before"], ["dep=nsubj", "where=after"]]) == 1
    assert model.meta["choices"] == 20 and model.meta["converged"]


def test_probabilities_sum_to_one_and_unknown_features_are_neutral():
    model = fit(_choices())
    p = model.probabilities([["dep=nsubj"], ["dep=obj"], ["never-seen"]])
    assert sum(p) == pytest.approx(1.0)
    assert p[0] > p[2] > p[1]
    assert model.best([]) is None and model.probabilities([]) == []


def test_valued_features_scale_their_weight():
    choices = [Choice([[("size", 1.0)], [("size", -1.0)]], frozenset({0})) for _ in range(5)]
    model = fit(choices)
    assert model.weights["size"] > 0
    assert model.best([[("size", -0.5)], [("size", 0.5)]]) == 1


def test_several_right_candidates_share_the_credit():
    # two mentions of the right party: either is right, neither is pushed down
    choices = [Choice([["mention=a"], ["mention=b"], ["other"]], frozenset({0, 1})) for _ in range(5)]
    model = fit(choices)
    assert model.weights["mention=a"] == pytest.approx(model.weights["mention=b"])
    assert model.weights["other"] < model.weights["mention=a"]


def test_a_stronger_penalty_gives_smaller_weights():
    loose, tight = fit(_choices(), l2=0.01), fit(_choices(), l2=10.0)
    assert abs(tight.weights["dep=nsubj"]) < abs(loose.weights["dep=nsubj"])


def test_save_and_load_round_trip(tmp_path):
    model = fit(_choices())
    path = model.save(tmp_path / "m.json")
    again = Ranker.load(path)
    assert again.meta == model.meta
    assert again.best([["dep=obj"], ["dep=nsubj"]]) == 1
    assert json.loads(path.read_text())["format"] == "newsfacts-ranker/1"


def test_loading_another_file_is_a_clear_error(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"weights": {}}))
    with pytest.raises(ValueError, match="not a newsfacts-ranker/1 model"):
        Ranker.load(tmp_path / "x.json")


def test_nothing_to_learn_from_is_an_error():
    with pytest.raises(ValueError, match="no choice with a right candidate"):
        fit([Choice([["a"], ["b"]])])


def test_a_vector_feature_scores_as_its_dimensions():
    import numpy as np

    up, down = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    choices = [Choice([[("vec", up)], [("vec", down)]], frozenset({0})) for _ in range(5)]
    model = fit(choices)
    assert model.weights["vec|0"] > model.weights["vec|1"]
    assert model.best([[("vec", down)], [("vec", up)]]) == 1
    assert model.scores([[("vec", up)]])[0] == pytest.approx(model.weights["vec|0"])


def test_label_scores_are_the_scores_of_the_crossed_candidates():
    # A label choice scored per feature must give the very floats of its crossed candidates
    # (they decide ties and are published as probabilities), whatever the features hold.
    import random

    import numpy as np

    from transforms.ranker import label_candidates

    rng = random.Random(3)
    labels = ("none", "AID", "REJECT")
    weights = {f"{label}|f{i}": rng.uniform(-2, 2) * 10 ** rng.randint(-5, 5)
               for label in labels for i in range(30) if rng.random() < 0.6}
    weights |= {"AID": 0.3, "REJECT": -1.1} | {f"AID|v|{i}": rng.uniform(-1, 1) for i in range(3)}
    weights |= {"REJECT|size": 0.8}
    model = Ranker(weights)
    pairs = [("size", -2.5), ("v", np.array([0.2, -0.9, 0.4], dtype="float32")), ("unknown", 1.0)]
    for _ in range(100):
        feats = [f"f{rng.randrange(40)}" if rng.random() < 0.8 else rng.choice(pairs)
                 for _ in range(rng.randrange(0, 25))]
        assert model.label_scores(feats, labels).tolist() == model.scores(label_candidates(feats, labels))
