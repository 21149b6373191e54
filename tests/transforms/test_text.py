import pytest

from transforms.ids import doc_id, stable_id
from transforms.text import normalize_text


@pytest.mark.parametrize("raw, expected", [
    ("  Hello\r\nworld  ", "Hello\nworld"),
    ("a\u00a0\u2009b\t c", "a b c"),
    ("Cafe\u0301", "Café"),  # NFC
    ("one\n\n\n\ntwo", "one\n\ntwo"),
    ("zero\u200bwidth\ufeff", "zerowidth"),
    ("line  \nnext", "line\nnext"),
    ("\n \n", ""),
])
def test_normalize_text(raw, expected):
    assert normalize_text(raw) == expected


def test_normalize_text_is_idempotent():
    text = " Venezuelan President Nicolás Maduro\r\n\r\n\r\n  said  “no”. "
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_ids_are_stable_and_content_derived():
    assert doc_id("abc") == doc_id("abc")
    assert doc_id("abc") != doc_id("abd")
    assert doc_id("abc").startswith("doc_") and len(doc_id("abc")) == 20
    # Parts are length-prefixed: ("ab", "c") and ("a", "bc") differ.
    assert stable_id("x", "ab", "c") != stable_id("x", "a", "bc")
