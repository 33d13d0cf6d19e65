"""Bech32 encoding (BIP 173) as age uses it, without BIP 173's 90-character length limit.

age encodes X25519 recipients as Bech32 with the human-readable part ``age`` and identities with
``AGE-SECRET-KEY-`` (upper case), per the C2SP age specification ("Bech32 is as specified in
BIP173, but without length limits on the data part"). This is an encoding, not a cryptographic
primitive: the checksum is a BCH code that catches typing mistakes, nothing more.

>>> encode("age", bytes(32))
'age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq5cu47z'
>>> decode(encode("age", b"abc"))
('age', b'abc')
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Bech32Error", "decode", "encode"]

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


class Bech32Error(ValueError):
    """The text is not a valid Bech32 string (bad character, mixed case, or bad checksum)."""


def _polymod(values: Iterable[int]) -> int:
    """The BIP 173 checksum polynomial over GF(32)."""
    chk = 1
    for value in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ value
        for i, gen in enumerate(_GENERATOR):
            if (top >> i) & 1:
                chk ^= gen
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: Iterable[int], from_bits: int, to_bits: int, *, pad: bool) -> list[int]:
    """Regroup a sequence of ``from_bits``-bit values into ``to_bits``-bit values (BIP 173)."""
    acc = 0
    bits = 0
    out: list[int] = []
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or ((acc << (to_bits - bits)) & maxv):
        raise Bech32Error("invalid padding in the data part")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Encode ``data`` under the human-readable part ``hrp`` (upper-case ``hrp``: upper case)."""
    upper = hrp.isupper()
    lower_hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod([*_hrp_expand(lower_hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    text = lower_hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)
    return text.upper() if upper else text


def decode(text: str) -> tuple[str, bytes]:
    """Decode a Bech32 string into (lower-case human-readable part, data bytes)."""
    if text.lower() != text and text.upper() != text:
        raise Bech32Error("mixed upper and lower case")
    if any(ord(c) < 33 or ord(c) > 126 for c in text):
        raise Bech32Error("character outside the printable ASCII range")
    lowered = text.lower()
    sep = lowered.rfind("1")
    if sep < 1 or sep + 7 > len(lowered):
        raise Bech32Error("missing separator or checksum")
    hrp = lowered[:sep]
    try:
        values = [_CHARSET.index(c) for c in lowered[sep + 1 :]]
    except ValueError:
        raise Bech32Error("character outside the Bech32 alphabet") from None
    if _polymod([*_hrp_expand(hrp), *values]) != 1:
        raise Bech32Error("checksum does not match")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, pad=False))
