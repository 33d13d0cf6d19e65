"""The shipped Convention data: it loads, and it says what the Convention says (per the brief)."""

from __future__ import annotations

from importlib import resources

import pytest

from comity.errors import NotFound
from comity.treaty import (
    DATA_FILES,
    Confidence,
    available_instruments,
    kind_dict,
    load_instrument,
)

KINDS = {
    "preservation": (42, 1),
    "traffic_data_disclosure": (43, None),
    "stored_data": (44, 1),
    "realtime_traffic_data": (45, None),
    "interception": (46, None),
    "mutual_legal_assistance": (40, 3),
    "assistance_24_7": (41, 3),
    "extradition": (37, 1),
    "spontaneous_information": (40, 4),
}
NOTIFICATIONS = {
    "central_authority": 40,
    "contact_point_24_7": 41,
    "accepted_languages": 40,
    "extradition_legal_basis": 37,
    "reservation_art_11": 11,
    "reservation_art_23": 23,
    "reservation_art_42": 42,
    "reservation_art_63": 63,
}


@pytest.fixture(scope="module")
def uncc():
    return load_instrument("uncc")


class TestShippedData:
    def test_the_package_ships_every_data_file(self):
        directory = resources.files("comity.treaty") / "data" / "uncc"
        assert {name for name in DATA_FILES if (directory / name).is_file()} == set(DATA_FILES)
        assert available_instruments() == ("uncc",)

    def test_loading_is_cached(self, uncc):
        assert load_instrument("uncc") is uncc
        assert repr(uncc) == "Instrument('uncc', version='0.1.0')"

    def test_unknown_instrument_is_not_found(self):
        with pytest.raises(NotFound, match="no instrument data for 'budapest'"):
            load_instrument("budapest")
        with pytest.raises(NotFound):
            load_instrument("../uncc")

    def test_every_citation_resolves_to_a_provision(self, uncc):
        for article in (2, 7, 40, 42, 65):
            for entry in uncc.citing(article):
                provision = uncc.resolve(entry.citation)
                assert provision.article == article
                if entry.citation.item is not None:
                    assert entry.citation.item in provision.items


class TestRequestKinds:
    def test_all_nine_shared_kinds_with_their_article(self, uncc):
        assert {kind.key for kind in uncc.kinds} == set(KINDS)
        for key, (article, paragraph) in KINDS.items():
            cite = uncc.request_kind(key).cites[0]
            assert (cite.article, cite.paragraph) == (article, paragraph), key

    def test_every_item_has_citations_with_article_paragraph_and_tag(self, uncc):
        for kind in uncc.kinds:
            exported = kind_dict(uncc, kind)
            assert exported["required"], kind.key
            for item in exported["required"] + exported["optional"]:
                assert item["cites"], (kind.key, item["key"])
                assert item["fields"]
                for cite in item["cites"]:
                    assert cite["article"] >= 1
                    assert "paragraph" in cite
                    assert cite["confidence"] in {tag.value for tag in Confidence}
                tags = [Confidence(c["confidence"]) for c in item["cites"]]
                assert item["confidence"] == Confidence.weakest(tags).value

    def test_preservation_contents_follow_art_42(self, uncc):
        kind = uncc.request_kind("preservation")
        letters = [c.item for item in kind.required for c in item.cites if c.paragraph == 2]
        assert letters == ["a", "b", "c", "d", "e", "f"]
        assert [c.item for c in kind.optional[0].cites] == ["g"]
        assert {ch.channel for ch in kind.channels} == {"contact_point_24_7", "central_authority"}
        # Art 42 paragraph numbers are estimates: nothing from it may look certain.
        assert uncc.confidence(kind.cites[0]) is Confidence.PARAGRAPH_UNCERTAIN

    def test_mla_needs_the_art_40_15_items_and_a_language(self, uncc):
        kind = uncc.request_kind("mutual_legal_assistance")
        fields = {f for item in kind.required for f in item.fields}
        assert {"requesting_authority", "proceeding", "facts", "purpose", "language"} <= fields
        assert "offence" in fields

    def test_kinds_only_use_defined_fields_and_notifications(self, uncc):
        fields = {field.key for field in uncc.fields}
        for kind in uncc.kinds:
            for item in (*kind.required, *kind.optional):
                assert set(item.fields) <= fields
            for key in kind.notifications:
                assert uncc.notification(key).key == key

    def test_unknown_kind_is_not_found(self, uncc):
        with pytest.raises(NotFound, match="no request kind 'letter'"):
            uncc.request_kind("letter")


class TestNotificationsAndOffences:
    def test_shared_notification_keys_cite_their_article(self, uncc):
        for key, article in NOTIFICATIONS.items():
            note = uncc.notification(key)
            assert note.cites[0].article == article
        assert uncc.notification("reservation_art_11").category == "reservation"
        assert uncc.notification("central_authority").timing == "at_deposit"

    def test_offences_are_arts_7_to_17(self, uncc):
        assert [offence.article for offence in uncc.offences] == list(range(7, 18))
        assert uncc.offence("misuse_of_devices").reservations == ("reservation_art_11",)
        assert {o.kind for o in uncc.offence("grooming").options} == {"option", "carve_out"}
        with pytest.raises(NotFound):
            uncc.offence("jaywalking")

    def test_arts_7_to_15_are_verified_and_16_17_are_not(self, uncc):
        for article in range(7, 16):
            assert all(p.confidence.is_certain for p in uncc.article(article))
        for article in (16, 17):
            assert uncc.provision(article).confidence is Confidence.UNVERIFIED


class TestRefusal:
    def test_fiscal_matters_are_never_a_ground(self, uncc):
        never = {g.key for g in uncc.never_grounds_for("mutual_legal_assistance")}
        assert "fiscal_matters" in never
        assert "fiscal_matters" not in {g.key for g in uncc.grounds}

    def test_consultation_and_reasons_before_refusing_mla(self, uncc):
        duties = {d.key: d for d in uncc.duties_for("stored_data")}
        assert set(duties) >= {"consultation", "reasons"}
        assert duties["consultation"].before == ("refusal", "postponement")

    def test_discrimination_screen_applies_to_every_compulsory_kind(self, uncc):
        ground = next(g for g in uncc.grounds if g.key == "discrimination")
        assert {"extradition", "preservation", "mutual_legal_assistance"} <= set(ground.applies_to)
        assert {c.label() for c in ground.cites} >= {"Art 40(22)", "Art 6(2)"}

    def test_preservation_dual_criminality_needs_the_reservation(self, uncc):
        grounds = {g.key: g for g in uncc.grounds_for("preservation")}
        assert grounds["dual_criminality_reservation"].requires_notification == (
            "reservation_art_42"
        )
        assert "no_dual_criminality" not in grounds


class TestTimeRules:
    @pytest.mark.parametrize(
        ("key", "value", "unit", "cite", "confidence"),
        [
            ("preservation_minimum_days", 60, "days", "Art 42(7)", "paragraph_uncertain"),
            ("entry_into_force_days_after_40th", 90, "days", "Art 65(1)", "verified"),
            ("entry_into_force_instruments", 40, "instruments", "Art 65(1)", "verified"),
            ("late_deposit_days", 30, "days", "Art 65(2)", "unverified"),
            ("denunciation_effect_years", 1, "years", "Art 67", "unverified"),
            ("domestic_preservation_max_days", 90, "days", "Art 25(2)", "unverified"),
            ("serious_crime_min_penalty_years", 4, "years", "Art 2(h)", "verified"),
        ],
    )
    def test_rule(self, uncc, key, value, unit, cite, confidence):
        rule = uncc.time_rule(key)
        assert (rule.value, rule.unit) == (value, unit)
        assert rule.cites[0].label() == cite
        assert uncc.confidence(rule.cites[0]).value == confidence

    def test_signature_dates(self, uncc):
        assert uncc.time_rule("signature_closes").date.isoformat() == "2026-12-31"
        assert uncc.time_rule("signature_opens").value is None

    def test_unknown_rule_is_not_found(self, uncc):
        with pytest.raises(NotFound):
            uncc.time_rule("forever")


def test_unknown_notification_is_not_found():
    with pytest.raises(NotFound, match="no notification 'reservation_art_99'"):
        load_instrument().notification("reservation_art_99")
