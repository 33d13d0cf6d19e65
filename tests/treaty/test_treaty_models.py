"""Citations and confidence tags: the value types every other module relies on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import comity.treaty
from comity.errors import NotFound
from comity.treaty import Citation, Confidence, load_instrument

articles = st.integers(min_value=1, max_value=999)
paragraphs = st.none() | st.integers(min_value=1, max_value=99)
letters = st.none() | st.sampled_from("abcdefghijklmno")


@settings(max_examples=60, deadline=None)
@given(articles, paragraphs, letters)
def test_citation_label_round_trips(article, paragraph, item):
    cite = Citation(instrument="uncc", article=article, paragraph=paragraph, item=item)
    assert Citation.model_validate(cite.label()) == cite
    assert Citation.model_validate(f"uncc {cite}") == cite
    prefixed = Citation.model_validate(cite.label(), context={"instrument": "budapest"})
    assert prefixed.instrument == "budapest"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Art 2(h)", (2, None, "h")),
        ("Art 2(i)", (2, None, "i")),
        ("Art 40(15)(a)", (40, 15, "a")),
        ("Art 37", (37, None, None)),
        ({"article": 42, "paragraph": 7}, (42, 7, None)),
    ],
)
def test_citation_forms(text, expected):
    cite = Citation.model_validate(text)
    assert (cite.article, cite.paragraph, cite.item) == expected
    assert cite.instrument == "uncc"


@pytest.mark.parametrize(
    "text", ["Art 0", "Art 4(0)", "Art 4(1)(A)", "art 4", "Art 4(1)(aa)", "Art 4 (1)", "4(1)"]
)
def test_malformed_citations_are_refused(text):
    with pytest.raises(ValidationError):
        Citation.model_validate(text)


def test_citations_are_frozen_and_strict():
    cite = Citation.model_validate("Art 42(7)")
    with pytest.raises(ValidationError):
        cite.article = 43  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Citation.model_validate({"article": "42"})
    with pytest.raises(ValidationError):
        Citation.model_validate({"article": 42, "section": 1})


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(list(Confidence))))
def test_weakest_is_the_lowest_ranked_tag(tags):
    weakest = Confidence.weakest(tags)
    assert all(weakest.rank >= tag.rank for tag in tags)
    assert weakest in tags or (not tags and weakest is Confidence.VERIFIED)


def test_only_verified_is_certain():
    assert [tag for tag in Confidence if tag.is_certain] == [Confidence.VERIFIED]
    assert Confidence.PARAGRAPH_UNCERTAIN.rank == 3


def test_a_citation_takes_the_confidence_of_its_provision():
    uncc = load_instrument()
    assert uncc.confidence(Citation.model_validate("Art 65(1)")) is Confidence.VERIFIED
    assert uncc.confidence(Citation.model_validate("Art 65")) is Confidence.CORROBORATED
    assert uncc.confidence(Citation.model_validate("Art 65(2)")) is Confidence.UNVERIFIED
    assert uncc.label(Citation.model_validate("Art 2(h)")) == "UNCC Art 2(h)"
    with pytest.raises(NotFound, match="not in uncc"):
        uncc.resolve(Citation.model_validate("budapest Art 29"))
    with pytest.raises(NotFound, match="UNCC Art 42\\(8\\) is not in the data"):
        uncc.provision(42, 8)


def test_citing_filters_by_paragraph():
    uncc = load_instrument()
    everything = uncc.citing(40)
    only_15 = uncc.citing(40, 15)
    assert only_15
    assert set(only_15) < set(everything)
    assert uncc.citing(1) == ()
    assert uncc.provision(42, 7).citation == Citation.model_validate("Art 42(7)")


def test_public_surface_is_explicit():
    public = {name for name in vars(comity.treaty) if not name.startswith("_")}
    modules = {"export", "instrument", "kinds", "loader", "models", "annotations"}
    assert set(comity.treaty.__all__) == public - modules
    assert len(set(comity.treaty.__all__)) == len(comity.treaty.__all__)


def test_doctests():
    import doctest

    import comity.treaty.models

    for module in (comity.treaty, comity.treaty.models):
        failures, tried = doctest.testmod(module)
        assert tried > 0
        assert failures == 0
