"""The nine kinds of request of the Convention, as one type every part of Comity shares.

The Convention data (``data/uncc/request_kinds.yaml``) describes each kind in full; this is
only its key, so that the request document, the ledger's public header, the registry's
reservations and the rules can type and check a kind without loading the data. A test keeps
the two in step.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["REQUEST_KINDS", "RequestKind"]

RequestKind = Literal[
    "preservation",  # Art 42
    "traffic_data_disclosure",  # Art 43
    "stored_data",  # Art 44
    "realtime_traffic_data",  # Art 45
    "interception",  # Art 46
    "mutual_legal_assistance",  # Art 40(3)
    "assistance_24_7",  # Art 41(3)
    "extradition",  # Art 37
    "spontaneous_information",  # Art 40(4)
]

#: The kinds' keys, in the order of the Convention data.
REQUEST_KINDS: tuple[str, ...] = get_args(RequestKind)
