from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.evidence import bech32
from comity.evidence.age_header import AgeIdentity, AgeRecipient

# The X25519 example of the age specification (C2SP age, "The X25519 recipient type").
SPEC_IDENTITY = "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX"
SPEC_RECIPIENT = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj"


class TestBech32:
    def test_spec_identity_gives_spec_recipient(self):
        identity = AgeIdentity.parse(SPEC_IDENTITY)
        assert identity.secret == bytes([0x42]) * 32
        assert str(identity.recipient()) == SPEC_RECIPIENT
        assert identity.encode() == SPEC_IDENTITY

    def test_bip173_valid_vectors(self):
        # BIP 173 "Test vectors": valid Bech32 strings.
        for text in ["A12UEL5L", "a12uel5l", "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"]:
            hrp, _ = bech32.decode(text)
            assert hrp == text.lower()[: text.lower().rfind("1")]

    @pytest.mark.parametrize(
        "text",
        ["A1G7SGD8", "10a06t8", "1qzzfhee", "a12UEL5L", "x1b4n0q5v", "pzry9x0s0muk", "li1dgmt3"],
    )
    def test_bip173_invalid_vectors(self, text):
        with pytest.raises(bech32.Bech32Error):
            bech32.decode(text)

    @settings(max_examples=50, deadline=None)
    @given(st.binary(max_size=64))
    def test_round_trip(self, data):
        assert bech32.decode(bech32.encode("age", data)) == ("age", data)

    def test_recipient_rejects_wrong_kind(self):
        with pytest.raises(ValueError, match="not an age X25519 recipient"):
            AgeRecipient.parse(SPEC_IDENTITY)
        with pytest.raises(ValueError, match="not an age X25519 identity"):
            AgeIdentity.parse(SPEC_RECIPIENT)
        with pytest.raises(ValueError, match="checksum"):
            AgeRecipient.parse(SPEC_RECIPIENT[:-1] + "q")
