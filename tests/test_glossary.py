"""docs/glossary.md is the Korean catalog's glossary (the PyTorch Korea tutorials' terms): every English message that
uses a term, in prose, is translated with that term's Korean."""

import re

import pytest

from dashboard import catalog
from tests.conftest import ROOT

CODE = re.compile(r"`[^`]*`|\{[^{}]*\}|\b\w+(?:\.\w+)+(?:\(\))?|\b\w+\(\)")  # code spans, placeholders, a.b(), f()


def glossary() -> list[tuple[str, str]]:
    rows = [line.split("|")[1:3] for line in (ROOT / "docs" / "glossary.md").read_text().splitlines()
            if line.startswith("| ") and not line.startswith(("| English", "| ---"))]
    return sorted(((english.strip(), korean.strip()) for english, korean in rows), key=lambda t: -len(t[0]))


def terms_used(english: str, terms) -> list[str]:
    """The glossary's terms in ``english``'s prose, the longest first, each occurrence counted once."""
    prose, found = CODE.sub(" ", english).lower(), []
    for term, _korean in terms:
        pattern = re.compile(rf"\b{re.escape(term)}(?:s|es)?\b")
        if pattern.search(prose):
            found.append(term)
            prose = pattern.sub(" ", prose)
    return found


def test_the_glossary_has_the_tutorials_core_terms():
    terms = dict(glossary())
    assert {"gradient": "변화도", "epoch": "에폭", "loss": "손실", "learning rate": "학습률", "weight": "가중치",
            "optimizer": "옵티마이저", "overfitting": "과적합"}.items() <= terms.items()


def test_a_term_inside_a_longer_one_or_in_code_is_not_counted():
    terms = glossary()
    assert terms_used("gradient boosting beats it", terms) == ["gradient boosting"]
    assert terms_used("Call `optimizer.step()` and optimizer.zero_grad() with {target}", terms) == []
    assert terms_used("The learning rate and the loss", terms) == ["learning rate", "loss"]


@pytest.mark.parametrize("lang", catalog.LANGUAGES)
def test_every_translation_uses_the_glossarys_words(lang):
    terms, korean = glossary(), dict(glossary())
    wrong = [(message.id, term) for message in catalog.read(lang) if message.id
             for term in terms_used(message.id, terms) if korean[term] not in message.string]
    assert not wrong, "\n".join(f"{term!r} → {korean[term]!r} missing in the translation of {english!r}"
                                for english, term in wrong)
