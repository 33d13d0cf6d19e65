"""The typed identifiers a request names: e-mail, phone, IP, domain, URL, account, virtual asset.

A request for electronic evidence is only as good as its identifiers: a wrongly typed account
or an IP address without a time identifies nobody, and such defects are the first cause of
refusals reported by service providers. Each identifier is therefore a typed value, validated
on input with a message that names the field, and a discriminated union on ``type`` lets a
request document carry a list of them::

    {"type": "ip", "address": "203.0.113.7", "observed_at": "2026-03-01T10:15:00+01:00",
     "port": 51234}

Each identifier has a :meth:`normalised` canonical form (lower-case domains, compressed IPv6,
UTC timestamps ...), so that the same identifier written two ways compares equal; the
screening module hashes normalised identifiers to match them across requests.

Standards: e-mail addresses per RFC 5321 §4.1.2 (the local part is case-sensitive, the domain
is not); telephone numbers in ITU-T E.164 form (``+`` and at most 15 digits); IP addresses via
:mod:`ipaddress` (RFC 4291 §2.2 text form, RFC 5952 canonical IPv6); domains per IDNA 2008
(RFC 5891) with UTS #46 mapping; URLs per RFC 3986 restricted to ``http`` and ``https``.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC
from typing import Annotated, Literal
from urllib.parse import urlsplit, urlunsplit

import idna
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

__all__ = [
    "AccountIdentifier",
    "DomainIdentifier",
    "EmailIdentifier",
    "Identifier",
    "IpIdentifier",
    "PhoneIdentifier",
    "UrlIdentifier",
    "VirtualAssetIdentifier",
    "normalise_domain",
    "port_advice",
]

_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
_BASE58 = re.compile(r"^[13][1-9A-HJ-NP-Za-km-z]{25,34}$")
_BECH32 = re.compile(r"^bc1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{11,71}$")
_ETHEREUM = re.compile(r"^0x[0-9a-fA-F]{40}$")
_NETWORK = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def normalise_domain(value: str) -> str:
    """The ASCII (A-label) form of a domain name, lower-case, without a trailing dot.

    Validates under IDNA 2008 (RFC 5891) after UTS #46 mapping, and requires at least two
    labels: a bare top-level domain names no one.

    >>> normalise_domain("Exämple.COM.")
    'xn--exmple-cua.com'
    """
    text = value.strip().rstrip(".")
    if "." not in text:
        raise ValueError(f"{value!r} is not a domain name: it needs at least two labels")
    try:
        ascii_form = idna.encode(text, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise ValueError(f"{value!r} is not a valid domain name (IDNA 2008): {error}") from None
    if len(ascii_form) > 253:
        raise ValueError(f"{value!r} is longer than 253 characters")
    return ascii_form.lower()


class _Identifier(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    note: str | None = Field(
        default=None, description="Free text: why this identifier matters to the request."
    )


class EmailIdentifier(_Identifier):
    """An e-mail address. The domain is case-insensitive, the local part is not (RFC 5321)."""

    type: Literal["email"] = "email"
    address: str = Field(description="The address, e.g. ``someone@example.org``.")

    @field_validator("address")
    @classmethod
    def _check_address(cls, value: str) -> str:
        local, at, domain = value.rpartition("@")
        if not at or not local:
            raise ValueError(f"email address {value!r} needs a local part, '@' and a domain")
        if len(local) > 64 or any(c.isspace() for c in local):
            raise ValueError(f"email address {value!r} has an invalid local part")
        normalise_domain(domain)
        return value

    def normalised(self) -> str:
        """``local@domain`` with the domain in lower-case A-label form, the local part as given.

        >>> EmailIdentifier(address="Jo.Doe@Example.ORG").normalised()
        'email:Jo.Doe@example.org'
        """
        local, _, domain = self.address.rpartition("@")
        return f"email:{local}@{normalise_domain(domain)}"


class PhoneIdentifier(_Identifier):
    """A telephone number in E.164 form: ``+``, a country code, at most 15 digits in all."""

    type: Literal["phone"] = "phone"
    number: str = Field(description="E.164 number, e.g. ``+33612345678``.")

    @field_validator("number")
    @classmethod
    def _check_number(cls, value: str) -> str:
        compact = re.sub(r"[\s().-]", "", value)
        if not _E164.match(compact):
            raise ValueError(
                f"phone number {value!r} is not in E.164 form: '+' then 8 to 15 digits"
            )
        return compact

    def normalised(self) -> str:
        """The compact E.164 form (spaces, dots, dashes and brackets are removed on input).

        >>> PhoneIdentifier(number="+33 6 12 34 56 78").normalised()
        'phone:+33612345678'
        """
        return f"phone:{self.number}"


class IpIdentifier(_Identifier):
    """An IP address with the moment it was observed, and the source port where known.

    ``observed_at`` is required and must carry a time zone: an IP address without a timestamp
    identifies nobody, since addresses are reassigned. Behind carrier-grade NAT (RFC 6598)
    many subscribers share one public IPv4 address, so a provider can usually identify the
    subscriber only with the source port too: see :func:`port_advice`.
    """

    type: Literal["ip"] = "ip"
    address: ipaddress.IPv4Address | ipaddress.IPv6Address = Field(
        description="IPv4 or IPv6 address in text form."
    )
    observed_at: AwareDatetime = Field(
        description="When the address was used, ISO 8601 with a UTC offset (RFC 3339)."
    )
    port: int | None = Field(default=None, ge=0, le=65535, description="Source port, if known.")

    def normalised(self) -> str:
        """Canonical address (RFC 5952 for IPv6), UTC timestamp, and port if any.

        >>> from datetime import datetime, timedelta, timezone
        >>> at = datetime(2026, 3, 1, 11, 15, tzinfo=timezone(timedelta(hours=1)))
        >>> IpIdentifier(address="2001:DB8:0:0::1", observed_at=at, port=443).normalised()
        'ip:2001:db8::1@2026-03-01T10:15:00Z:443'
        """
        when = self.observed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        port = "" if self.port is None else f":{self.port}"
        return f"ip:{self.address.compressed}@{when}{port}"


def port_advice(identifier: IpIdentifier) -> str | None:
    """A warning when a public IPv4 address comes without a source port, else ``None``.

    Carrier-grade NAT (RFC 6598, and the logging practice described in RFC 6302 §2) puts many
    subscribers behind one public IPv4 address; without the source port a provider usually
    cannot say which subscriber used it. IPv6 and private addresses get no advice.
    """
    address = identifier.address
    if identifier.port is not None or address.version != 4 or not address.is_global:
        return None
    return (
        f"IPv4 address {address} has no source port: behind carrier-grade NAT "
        "(RFC 6598) the provider may not be able to identify the subscriber without it"
    )


class DomainIdentifier(_Identifier):
    """A domain name, valid under IDNA 2008 (RFC 5891)."""

    type: Literal["domain"] = "domain"
    name: str = Field(description="The domain, in Unicode (U-label) or ASCII (A-label) form.")

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        normalise_domain(value)
        return value

    def normalised(self) -> str:
        """The lower-case A-label form.

        >>> DomainIdentifier(name="Bücher.Example").normalised()
        'domain:xn--bcher-kva.example'
        """
        return f"domain:{normalise_domain(self.name)}"


class UrlIdentifier(_Identifier):
    """An ``http`` or ``https`` URL with a host (RFC 3986 §3)."""

    type: Literal["url"] = "url"
    url: str = Field(description="The URL, e.g. ``https://example.org/post/123``.")

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
            port = parts.port
        except ValueError as error:
            raise ValueError(f"url {value!r} is malformed: {error}") from None
        if parts.scheme.lower() not in {"http", "https"}:
            raise ValueError(f"url {value!r} must use http or https")
        if not parts.hostname or any(c.isspace() for c in value):
            raise ValueError(f"url {value!r} needs a host and no spaces")
        if port is None:
            try:
                ipaddress.ip_address(parts.hostname)
            except ValueError:
                normalise_domain(parts.hostname)
        return value

    def normalised(self) -> str:
        """Lower-case scheme and host (A-label), no default port, no fragment (RFC 3986 §6.2.2).

        >>> UrlIdentifier(url="HTTPS://Example.ORG:443/Path?q=1#top").normalised()
        'url:https://example.org/Path?q=1'
        """
        parts = urlsplit(self.url)
        scheme = parts.scheme.lower()
        host = parts.hostname or ""
        try:
            host = ipaddress.ip_address(host).compressed
            if ":" in host:
                host = f"[{host}]"
        except ValueError:
            host = normalise_domain(host)
        default = {"http": 80, "https": 443}[scheme]
        netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
        return "url:" + urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


class AccountIdentifier(_Identifier):
    """An account on an online service: the service and the handle (user name, ID)."""

    type: Literal["account"] = "account"
    service: str = Field(min_length=1, description="The service, e.g. ``example-social``.")
    handle: str = Field(min_length=1, description="The handle or numeric ID on that service.")

    def normalised(self) -> str:
        """Service in lower case; handle without a leading ``@`` (handles may be case-sensitive).

        >>> AccountIdentifier(service="Example-Social", handle="@Jo_Doe").normalised()
        'account:example-social:Jo_Doe'
        """
        return f"account:{self.service.lower()}:{self.handle.removeprefix('@')}"


class VirtualAssetIdentifier(_Identifier):
    """An address on a virtual-asset network (property includes virtual assets, Art 2(i)).

    Bitcoin addresses are checked for the base58 form (``1``/``3``, 26 to 35 characters) or the
    bech32 form (``bc1``, 14 to 74 characters in the BIP 173 alphabet, one case); Ethereum
    addresses for ``0x`` and 40 hexadecimal digits. Checksums are not verified. Other networks
    only need a non-empty address.
    """

    type: Literal["virtual_asset"] = "virtual_asset"
    network: str = Field(description="The network key in lower case: bitcoin, ethereum, ...")
    address: str = Field(min_length=1, description="The address on that network.")

    @field_validator("network")
    @classmethod
    def _check_network(cls, value: str) -> str:
        key = value.lower()
        if not _NETWORK.match(key):
            raise ValueError(f"network {value!r} must be a key such as 'bitcoin' or 'ethereum'")
        return key

    @field_validator("address")
    @classmethod
    def _check_address(cls, value: str, info: ValidationInfo) -> str:
        network = info.data.get("network")
        if network == "bitcoin":
            bech = value.lower()
            mixed_case = value not in (bech, value.upper())
            if value.lower().startswith("bc1"):
                if mixed_case or not _BECH32.match(bech):
                    raise ValueError(f"bitcoin address {value!r} is not a valid bech32 address")
            elif not _BASE58.match(value):
                raise ValueError(f"bitcoin address {value!r} is not a base58 or bech32 address")
        elif network == "ethereum" and not _ETHEREUM.match(value):
            raise ValueError(f"ethereum address {value!r} must be '0x' and 40 hex digits")
        return value

    def normalised(self) -> str:
        """Network key and address; bech32 and Ethereum addresses in lower case.

        >>> VirtualAssetIdentifier(network="Ethereum",
        ...     address="0x52908400098527886E0F7030069857D2E4169EE7").normalised()
        'virtual_asset:ethereum:0x52908400098527886e0f7030069857d2e4169ee7'
        """
        address = self.address
        if self.network == "ethereum" or address.lower().startswith("bc1"):
            address = address.lower()
        return f"virtual_asset:{self.network}:{address}"


Identifier = Annotated[
    EmailIdentifier
    | PhoneIdentifier
    | IpIdentifier
    | DomainIdentifier
    | UrlIdentifier
    | AccountIdentifier
    | VirtualAssetIdentifier,
    Field(discriminator="type"),
]
"""Any identifier, told apart by its ``type`` key."""
