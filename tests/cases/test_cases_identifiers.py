from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import TypeAdapter, ValidationError

from comity.cases.identifiers import (
    AccountIdentifier,
    DomainIdentifier,
    EmailIdentifier,
    Identifier,
    IpIdentifier,
    PhoneIdentifier,
    UrlIdentifier,
    VirtualAssetIdentifier,
    port_advice,
)

ADAPTER: TypeAdapter[Identifier] = TypeAdapter(Identifier)
AT = datetime(2026, 3, 2, 3, 14, 7, tzinfo=timezone(timedelta(hours=1)))


def error_text(data: dict[str, object]) -> str:
    with pytest.raises(ValidationError) as info:
        ADAPTER.validate_python(data)
    return str(info.value)


class TestUnion:
    def test_the_type_key_selects_the_model(self) -> None:
        ident = ADAPTER.validate_python({"type": "phone", "number": "+351 912 345 678"})
        assert isinstance(ident, PhoneIdentifier)
        assert ident.normalised() == "phone:+351912345678"

    def test_an_unknown_type_is_refused(self) -> None:
        assert "does not match any of the expected tags" in error_text({"type": "fax"})

    def test_unknown_keys_are_refused(self) -> None:
        assert "extra" in error_text({"type": "domain", "name": "example.org", "owner": "x"})


class TestEmail:
    def test_domain_is_lowered_and_local_part_kept(self) -> None:
        ident = EmailIdentifier(address="Jo.Doe@Bücher.Example")
        assert ident.normalised() == "email:Jo.Doe@xn--bcher-kva.example"

    @pytest.mark.parametrize("address", ["no-at-sign", "@example.org", "jo@localhost", "a b@x.org"])
    def test_invalid_addresses_name_the_problem(self, address: str) -> None:
        assert "address" in error_text({"type": "email", "address": address})


class TestPhone:
    @pytest.mark.parametrize(
        "number", ["0612345678", "+0612345678", "+1234567", "+1234567890123456"]
    )
    def test_non_e164_numbers_are_refused(self, number: str) -> None:
        text = error_text({"type": "phone", "number": number})
        assert "E.164" in text
        assert "number" in text

    def test_eight_and_fifteen_digits_are_the_bounds(self) -> None:
        assert PhoneIdentifier(number="+12345678").number == "+12345678"
        assert PhoneIdentifier(number="+123456789012345").number == "+123456789012345"


class TestIp:
    def test_a_timestamp_is_required(self) -> None:
        text = error_text({"type": "ip", "address": "198.51.100.23"})
        assert "observed_at" in text
        assert "Field required" in text

    def test_a_naive_timestamp_is_refused(self) -> None:
        text = error_text(
            {"type": "ip", "address": "198.51.100.23", "observed_at": "2026-03-02T03:14:07"}
        )
        assert "timezone" in text

    @pytest.mark.parametrize("port", [-1, 65536])
    def test_port_out_of_range(self, port: int) -> None:
        text = error_text(
            {"type": "ip", "address": "198.51.100.23", "observed_at": AT, "port": port}
        )
        assert "port" in text

    def test_bad_address(self) -> None:
        assert "address" in error_text({"type": "ip", "address": "300.1.1.1", "observed_at": AT})

    def test_normalised_form_is_utc_and_canonical(self) -> None:
        ident = IpIdentifier(address="2001:0DB8::0001", observed_at=AT)
        assert ident.normalised() == "ip:2001:db8::1@2026-03-02T02:14:07Z"
        same = IpIdentifier(address="2001:db8::1", observed_at=AT.astimezone(UTC))
        assert same.normalised() == ident.normalised()

    def test_port_advice_for_public_ipv4_without_port_only(self) -> None:
        advice = port_advice(IpIdentifier(address="8.8.8.8", observed_at=AT))
        assert advice is not None
        assert "carrier-grade NAT" in advice
        assert port_advice(IpIdentifier(address="8.8.8.8", observed_at=AT, port=0)) is None
        assert port_advice(IpIdentifier(address="2001:4860::8888", observed_at=AT)) is None
        assert port_advice(IpIdentifier(address="10.0.0.1", observed_at=AT)) is None


class TestDomainAndUrl:
    @pytest.mark.parametrize("name", ["com", "exa mple.org", "-bad-.org", "a..b.org"])
    def test_invalid_domains(self, name: str) -> None:
        assert "domain" in error_text({"type": "domain", "name": name})

    def test_domain_normalised(self) -> None:
        assert DomainIdentifier(name="Example.ORG.").normalised() == "domain:example.org"

    @pytest.mark.parametrize(
        "url",
        ["ftp://example.org/x", "https://", "https://exa mple.org/", "https://example.org:99999/"],
    )
    def test_invalid_urls(self, url: str) -> None:
        assert "url" in error_text({"type": "url", "url": url})

    def test_url_normalised(self) -> None:
        assert UrlIdentifier(url="HTTP://Example.org:80").normalised() == "url:http://example.org/"
        assert (
            UrlIdentifier(url="https://[2001:DB8::1]:8443/a?b#c").normalised()
            == "url:https://[2001:db8::1]:8443/a?b"
        )


class TestAccountAndVirtualAsset:
    def test_account_needs_service_and_handle(self) -> None:
        assert "handle" in error_text({"type": "account", "service": "x", "handle": ""})
        assert AccountIdentifier(service="X", handle="@jo").normalised() == "account:x:jo"

    @pytest.mark.parametrize(
        "address",
        [
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
            "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
            "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
        ],
    )
    def test_bitcoin_formats(self, address: str) -> None:
        ident = VirtualAssetIdentifier(network="Bitcoin", address=address)
        assert ident.network == "bitcoin"

    @pytest.mark.parametrize(
        "address",
        [
            "0BoatSLRHtKNngkdXEeobR76b53LETtpyT",
            "bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
            "bc1qb",
        ],
    )
    def test_bad_bitcoin_addresses(self, address: str) -> None:
        assert "bitcoin address" in error_text(
            {"type": "virtual_asset", "network": "bitcoin", "address": address}
        )

    def test_ethereum(self) -> None:
        assert "ethereum address" in error_text(
            {"type": "virtual_asset", "network": "ethereum", "address": "0x1234"}
        )
        ident = VirtualAssetIdentifier(network="ethereum", address="0x" + "AB" * 20)
        assert ident.normalised() == "virtual_asset:ethereum:0x" + "ab" * 20

    def test_other_networks_need_only_an_address(self) -> None:
        assert VirtualAssetIdentifier(network="monero", address="4Ab").normalised() == (
            "virtual_asset:monero:4Ab"
        )
        assert "network" in error_text(
            {"type": "virtual_asset", "network": "Not A Key!", "address": "x"}
        )
