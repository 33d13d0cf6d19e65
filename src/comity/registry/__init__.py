"""Comity's treaty registry: who is bound by the Convention, since when, and who to contact.

A pure core (no database, no network): participants (States and organisations), treaty
actions (Art 64, Art 67), entry into force (Art 65), notifications and reservations, the
directory of authorities, the status report and its chart. Storage and the API use these types
and functions; they never re-implement the rules.
"""

from __future__ import annotations

from comity.registry.actions import ActionKind, TreatyAction
from comity.registry.applicability import Applicability, applicable
from comity.registry.dates import DateSpan
from comity.registry.directory import Authority, AuthorityRole
from comity.registry.entry_into_force import (
    UNCAC_ART_68,
    UNCC_ART_65,
    UNTOC_ART_38,
    EntryIntoForceRule,
    Membership,
    general_entry_into_force,
    memberships,
)
from comity.registry.notifications import Notification, NotificationKind
from comity.registry.participants import Participant, display_name, participant
from comity.registry.snapshot import Registry, parse_files, parse_texts
from comity.registry.status import RegistryStatus, status

__all__ = [
    "UNCAC_ART_68",
    "UNCC_ART_65",
    "UNTOC_ART_38",
    "ActionKind",
    "Applicability",
    "Authority",
    "AuthorityRole",
    "DateSpan",
    "EntryIntoForceRule",
    "Membership",
    "Notification",
    "NotificationKind",
    "Participant",
    "Registry",
    "RegistryStatus",
    "TreatyAction",
    "applicable",
    "display_name",
    "general_entry_into_force",
    "memberships",
    "parse_files",
    "parse_texts",
    "participant",
    "status",
]
