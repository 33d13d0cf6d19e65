"""Export of a package's provenance as CASE/UCO JSON-LD (https://caseontology.org, CASE 1.x).

The package file and each item become ``uco-observable:File`` objects with a ``FileFacet``
(name, size) and a ``ContentDataFacet`` holding a SHA-256 ``uco-types:Hash``; each item is
linked to the package by a ``uco-core:Relationship`` of kind ``Contained_Within``. Each custody
event becomes a ``case-investigation:InvestigativeAction`` whose performer is the person
(``uco-identity:Person``) acting for the authority (``uco-identity:Organization``), and a
``case-investigation:ProvenanceRecord`` gathers the package and its items under the package id.
Node ids are stable (``kb:`` + a kind + a digest), so repeated exports are identical.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from comity.evidence.custody import CustodyEvent
from comity.evidence.manifest import Manifest

__all__ = ["CASE_CONTEXT", "to_case"]

CASE_CONTEXT = {
    "kb": "urn:comity:kb:",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "uco-action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "uco-core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "uco-identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "uco-observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "uco-types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "uco-vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _id(kind: str, *parts: str) -> str:
    return f"kb:{kind}-{hashlib.sha256('|'.join(parts).encode()).hexdigest()[:32]}"


def _file(node_id: str, name: str, size: int, sha256: str) -> dict[str, Any]:
    return {
        "@id": node_id,
        "@type": "uco-observable:File",
        "uco-core:name": name,
        "uco-core:hasFacet": [
            {
                "@id": node_id + "-file",
                "@type": "uco-observable:FileFacet",
                "uco-observable:fileName": name,
                "uco-observable:sizeInBytes": {"@type": "xsd:integer", "@value": str(size)},
            },
            {
                "@id": node_id + "-content",
                "@type": "uco-observable:ContentDataFacet",
                "uco-observable:hash": [
                    {
                        "@id": node_id + "-sha256",
                        "@type": "uco-types:Hash",
                        "uco-types:hashMethod": {
                            "@type": "uco-vocabulary:HashNameVocab",
                            "@value": "SHA256",
                        },
                        "uco-types:hashValue": {"@type": "xsd:hexBinary", "@value": sha256},
                    }
                ],
            },
        ],
    }


def to_case(
    *,
    package_name: str,
    package_sha256: str,
    package_size: int,
    events: Sequence[CustodyEvent],
    manifest: Manifest | None = None,
) -> dict[str, Any]:
    """The JSON-LD document; items are included when the (verified) ``manifest`` is given."""
    package_id = _id("file", package_sha256)
    graph: list[dict[str, Any]] = [_file(package_id, package_name, package_size, package_sha256)]
    objects = [{"@id": package_id}]
    if manifest is not None:
        for item in manifest.items:
            item_id = _id("file", package_sha256, item.name)
            graph.append(_file(item_id, item.name, item.size, item.sha256))
            graph.append(
                {
                    "@id": _id("relationship", package_sha256, item.name),
                    "@type": "uco-core:Relationship",
                    "uco-core:source": {"@id": item_id},
                    "uco-core:target": {"@id": package_id},
                    "uco-core:kindOfRelationship": "Contained_Within",
                    "uco-core:isDirectional": True,
                }
            )
            objects.append({"@id": item_id})
    seen: set[str] = set()
    for event in events:
        org_id = _id("organization", event.authority.key_id)
        person_id = _id("person", event.authority.key_id, event.person)
        if org_id not in seen:
            seen.add(org_id)
            graph.append(
                {
                    "@id": org_id,
                    "@type": "uco-identity:Organization",
                    "uco-core:name": event.authority.name,
                    "uco-core:description": f"Ed25519 key id {event.authority.key_id}",
                }
            )
        if person_id not in seen:
            seen.add(person_id)
            graph.append(
                {"@id": person_id, "@type": "uco-identity:Person", "uco-core:name": event.person}
            )
        action: dict[str, Any] = {
            "@id": _id("action", event.line_sha256),
            "@type": "case-investigation:InvestigativeAction",
            "uco-core:name": event.action,
            "uco-action:startTime": {"@type": "xsd:dateTime", "@value": event.time},
            "uco-action:performer": {"@id": person_id},
            "uco-action:environment": {"@id": org_id},
            "uco-action:object": [{"@id": package_id}],
        }
        if "note" in event.document:
            action["uco-core:description"] = str(event.document["note"])
        graph.append(action)
    record: dict[str, Any] = {
        "@id": _id("provenance", package_sha256),
        "@type": "case-investigation:ProvenanceRecord",
        "uco-core:object": objects,
    }
    if manifest is not None:
        record["case-investigation:exhibitNumber"] = manifest.package_id
        record["uco-core:description"] = f"Evidence for request {manifest.request}"
    graph.append(record)
    return {"@context": CASE_CONTEXT, "@graph": graph}
