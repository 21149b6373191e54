"""The events trigger lexicon: the derivation script (`training/event_lexicon.py`) on invented
dictionaries, the committed `transforms/events/lexicon.json` and its loader."""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

from transforms.events.lexicon import FORMAT, PATH, EventLexicon, load_lexicon

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "training" / "event_lexicon.py"
SHARED_EVENTS = ROOT.parent / "shared" / "corpora" / "events"
PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}


@functools.cache
def _script():
    """training/event_lexicon.py as a module (training/ is not a package)."""
    spec = importlib.util.spec_from_file_location("event_lexicon_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------- the script, invented inputs

CAMEO = """\
# A PETRARCH verb dictionary, invented for the test
&CURRENCY
# a comment line inside a synonym set
+DOLLAR
+EURO

####### VERB PATTERNS #######

---  ACCUSE   [112]  ---
ACCUSE
CHARGE [1121]   # own code
CRITICIZE
SEIZE
+LASH_OUT
- * (OF CRIME)                 [1121]      # ACCUSE
- * &CURRENCY                  [---]       # CHARGE
- * {WAR CRIMES}               [1124]      # CHARGE

---  MEET_PEOPLE   [040]  ---
MEET {MEETS MET MEETING}
+MEET_WITH {+MET_WITH +MEETS_WITH +MEETING_WITH }
FACE ;legacy comment
- * (FOR TALKS)                [036:046]   # MET
- * TRIAL                      [:173]      # FACE
- * (BY TELEPHONE)             [041]
- * MEETING                    [0213]      # URGE <ab 02 Dec 2005>

---  CANCEL   [---]  ---
CANCEL
SUSPEND
- * TALKS                      [164]       # CANCEL

---  SAY   [---]  ---
SAY {SAID SAYING}
- * NOTHING                    [010]       # SAY
- * PEACE                      [2041]      # SAY

######## TRANSFORMATIONS ##########
~ a (a b ATTACK) SAY = a b 015
"""

PLOVER = """\
# invented CAMEO -> PLOVER table
010:  ,  , # no type: no event
03: AGREE
036: AGREE,  , diplomatic # Express intent to meet
04: CONSULT
040: CONSULT, ,  # Consult
041: CONSULT, phone,   # Discuss by telephone
046: CONSULT,   , diplomatic    # Engage in negotiation
10: REQUEST
101: REQUEST, assist,  # Demand material cooperation
11: ACCUSE
112: ACCUSE, disapprove,    # Accuse
1121: ACCUSE, allege, crime; corruption
16: SANCTION
164: SANCTION, withdraw,   diplomatic # Halt negotiations
17: COERCE
173: COERCE, arrest, legal
2041: PEACE, , # a type outside the contract's 16
"""


@pytest.fixture
def invented(tmp_path):
    cameo, plover = tmp_path / "CAMEO.test.txt", tmp_path / "PLOVER.test.txt"
    cameo.write_text(CAMEO, encoding="utf-8")
    plover.write_text(PLOVER, encoding="utf-8")
    return cameo, plover


def test_the_script_counts_block_defaults_own_codes_and_patterns_of_the_verb_the_comment_names(invented):
    script = _script()
    text, counts = script.build(*invented)
    data = json.loads(text)
    derived = {k: v for k, v in data["verbs"].items() if k not in script.EXTRA_VERBS}
    assert derived == {
        "accuse": {"ACCUSE|disapprove": 1, "ACCUSE|allege": 1},    # block default + (OF CRIME)
        "charge": {"ACCUSE|allege": 1, "ACCUSE|disapprove": 1},     # own code + 1124 -> 112
        "meet": {"CONSULT|": 2, "AGREE|": 1, "CONSULT|phone": 1},   # "# MET" is meet; [036:046]
        "face": {"CONSULT|": 1, "COERCE|arrest": 1, "CONSULT|phone": 1},  # [:173]; no comment:
        "urge": {"REQUEST|assist": 1},                  # every verb; 0213 read as 1013 -> 101
        "criticize": {"ACCUSE|disapprove": 1}, "criticise": {"ACCUSE|disapprove": 1},
        "seize": {"ACCUSE|disapprove": 1},              # no "seise"
        "cancel": {"SANCTION|withdraw": 1},
        "suspend": {"SANCTION|withdraw": 1},            # nothing of its own: the block's patterns
    }                                                   # say: [---], 010 and PEACE are no event
    assert data["phrases"] == {
        "lash_out": {"ACCUSE|disapprove": 1}, "meet_with": {"CONSULT|": 1},
        "accuse_of": {"ACCUSE|allege": 1}, "charge_crimes": {"ACCUSE|disapprove": 1},
        "meet_for": {"AGREE|": 1, "CONSULT|": 1}, "face_trial": {"COERCE|arrest": 1},
        "meet_by": {"CONSULT|phone": 1}, "face_by": {"CONSULT|phone": 1},
        "urge_meeting": {"REQUEST|assist": 1}, "cancel_talks": {"SANCTION|withdraw": 1},
    }                                                   # inherited patterns make no phrases
    assert "dollar" not in data["verbs"] and "say" not in data["verbs"]
    assert counts["blocks"] == 4 and counts["patterns"] == 10
    assert all(data["verbs"][k] == v for k, v in script.EXTRA_VERBS.items())  # hand verbs


def test_without_appeal_as_request_cameo_02_is_no_event_as_in_the_table(invented):
    data = json.loads(_script().build(*invented, appeal_as_request=False)[0])
    assert "urge" not in data["verbs"] and data["settings"] == {"appeal_as_request": False}


def test_the_script_writes_the_same_bytes_twice_and_records_the_sources(invented, tmp_path):
    script = _script()
    out1, out2 = tmp_path / "a.json", tmp_path / "b.json"
    cameo, plover = invented
    for out in (out1, out2):
        assert script.main(["--cameo", str(cameo), "--plover", str(plover), "--out", str(out)]) == 0
    assert out1.read_bytes() == out2.read_bytes()
    data = json.loads(out1.read_text())
    assert data["format"] == FORMAT
    assert data["sources"]["cameo"]["file"] == "CAMEO.test.txt"
    assert len(data["sources"]["plover"]["sha256"]) == 64


def test_the_script_refuses_a_missing_input(tmp_path, capsys):
    args = ["--cameo", str(tmp_path / "none.txt"), "--out", str(tmp_path / "x.json")]
    assert _script().main(args) == 2
    assert "not found" in capsys.readouterr().err


# ---------------------------------------------------------------- the committed lexicon


@pytest.mark.skipif(not SHARED_EVENTS.is_dir(),
                    reason="needs the CAMEO and PLOVER files in ../shared/corpora/events beside the "
                           "checkout; CI clones the repository alone")
def test_rerunning_the_script_on_the_real_files_reproduces_the_committed_lexicon(tmp_path):
    out = tmp_path / "lexicon.json"
    assert _script().main(["--out", str(out)]) == 0
    assert out.read_bytes() == PATH.read_bytes()


def test_the_committed_nouns_are_the_scripts_hand_list():
    assert json.loads(PATH.read_text())["nouns"] == _script().NOUNS


def test_the_committed_lexicon_has_its_format_and_only_the_16_plover_types():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT == "newsfacts-event-lexicon/1"
    assert PATH.stat().st_size < 300_000
    for section in ("verbs", "phrases", "nouns"):
        assert data[section], section
        for lemma, counts in data[section].items():
            assert lemma == lemma.lower() and " " not in lemma, lemma
            assert counts and all(isinstance(n, int) and n > 0 for n in counts.values()), lemma
            assert {r.split("|")[0] for r in counts} <= PLOVER_TYPES, (section, lemma, counts)
            assert all(r.count("|") == 1 for r in counts), (section, lemma)


@pytest.mark.parametrize("lemma, pos, reading", [
    ("accuse", "verb", "ACCUSE"), ("meet", "verb", "CONSULT"), ("reject", "verb", "REJECT"),
    ("threaten", "verb", "THREATEN"), ("ask", "verb", "REQUEST"), ("attack", "verb", "ASSAULT"),
    ("arrest", "verb", "COERCE"), ("release", "verb", "RETREAT"),
    ("visit", "noun", "CONSULT|visit"), ("phone_call", "noun", "CONSULT|phone"),
    ("talks", "noun", "CONSULT|"), ("talk", "noun", "CONSULT|"), ("sanctions", "noun", "SANCTION"),
    ("clashes", "noun", "ASSAULT"), ("air strike", "noun", "ASSAULT|aerial"),
    ("ultimatum", "noun", "THREATEN|ultimatum"), ("call_for", "phrase", "REQUEST"),
    ("hold_talks", "phrase", "CONSULT"), ("call_off", "verb", "SANCTION"),
])
def test_readings_of_known_lemmas(lemma, pos, reading):
    readings = load_lexicon().readings(lemma, pos)
    assert any(r == reading or r.split("|")[0] == reading for r in readings), readings
    assert math.isclose(sum(readings.values()), 1.0)


def test_an_unknown_lemma_has_no_readings_and_no_types():
    lex = load_lexicon()
    assert lex.readings("zorbify", "verb") == {} and lex.readings("zorbification", "noun") == {}
    assert lex.readings("", "noun") == {} and lex.types("zorbify", "verb") == set()
    assert not lex.knows("zorbify", "verb") and lex.knows("accuse", "verb")


def test_types_and_shares_follow_the_counts():
    lex = EventLexicon(verbs={"snub": {"REJECT|": 3, "ACCUSE|disapprove": 1}}, phrases={},
                       nouns={"rebuff": {"REJECT|": 1}})
    assert lex.readings("Snub", "VERB") == {"ACCUSE|disapprove": 0.25, "REJECT|": 0.75}
    assert lex.types("snub", "verb") == {"REJECT", "ACCUSE"}
    assert lex.readings("rebuffs", "noun") == {"REJECT|": 1.0}
    assert lex.readings("snub", "noun") == {}
    with pytest.raises(ValueError):
        lex.readings("snub", "adjective")


def test_load_lexicon_is_cached_and_checks_the_format(tmp_path):
    assert load_lexicon() is load_lexicon()
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"format": "something-else/1", "verbs": {}}))
    with pytest.raises(ValueError):
        load_lexicon(bad)
