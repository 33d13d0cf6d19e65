"""Law profiles on the node (import all or nothing, snapshots) and re-screening after changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from screening_helpers import PROFILES, REGISTRY, SECRET, document, inputs, store
from sqlalchemy.engine import Engine

from comity.rules import Inputs, RulesDataError, shipped_rules
from comity.rules.profiles import profiles_digest
from comity.services import law_profiles
from comity.services.rescreen import rescreen_all
from comity.services.screening import report_history
from comity.storage.engine import read_transaction
from comity.storage.models import events, law_profile_snapshots, screening_reports


def _tags(engine: Engine) -> list[str]:
    with read_transaction(engine) as connection:
        return list(connection.execute(sa.select(events.c.tag).order_by(events.c.seq)).scalars())


def _count(engine: Engine, table: sa.Table) -> int:
    with read_transaction(engine) as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_profiles_import_as_snapshots_replacing_the_same_states(engine: Engine) -> None:
    first = law_profiles.import_files(engine, [PROFILES / "ata.yaml", PROFILES / "bvt.yaml"])
    assert first.added == ("ATA", "BVT")
    second = law_profiles.import_files(engine, [PROFILES / "bvt.yaml", PROFILES / "hmd.yaml"])
    assert second.replaced == ("BVT",)
    assert second.added == ("HMD",)
    stored = law_profiles.node_profiles(engine)
    assert stored is not None
    assert sorted(stored.profiles) == ["ATA", "BVT", "HMD"]
    assert stored.sha256 == profiles_digest(inputs().profiles)
    assert _tags(engine) == ["law_profiles.imported", "law_profiles.imported"]


def test_a_bad_profile_file_changes_nothing(engine: Engine, tmp_path) -> None:
    law_profiles.import_files(engine, [PROFILES / "ata.yaml"])
    bad = tmp_path / "bad.yaml"
    bad.write_text((PROFILES / "bvt.yaml").read_text().replace("illustrative: true", "colour: red"))
    with pytest.raises(RulesDataError, match=r"bad\.yaml"):
        law_profiles.import_files(engine, [PROFILES / "hmd.yaml", bad])
    assert _count(engine, law_profile_snapshots) == 1
    assert _tags(engine) == ["law_profiles.imported"]


def test_a_directory_without_profiles_is_refused_and_changes_nothing(
    engine: Engine, tmp_path
) -> None:
    (tmp_path / "README.txt").write_text("profiles go elsewhere\n")
    with pytest.raises(RulesDataError, match=r"no profile .* in this directory"):
        law_profiles.import_files(engine, [tmp_path])
    assert law_profiles.node_profiles(engine) is None
    assert _tags(engine) == []


def test_rescreening_after_a_profile_import_records_the_differences(engine: Engine) -> None:
    bare = Inputs(shipped_rules(), REGISTRY, {})
    store(engine, "REQ-1", document(), the_inputs=bare)
    store(engine, "REQ-2", document(), the_inputs=bare, side="requesting")
    # Nothing changed: nothing is written but the run's own event.
    quiet = rescreen_all(engine, secret=SECRET, inputs=bare)
    assert (quiet.examined, quiet.changed) == (2, 0)
    assert _count(engine, screening_reports) == 2
    law_profiles.import_files(engine, [PROFILES])
    with read_transaction(engine) as connection:
        from comity.services.screening import node_inputs

        node = node_inputs(connection)
    result = rescreen_all(
        engine, secret=SECRET, inputs=Inputs(shipped_rules(), REGISTRY, node.profiles)
    )
    assert (result.examined, result.changed) == (2, 2)
    assert result.changed_requests == ("REQ-1", "REQ-2")
    with read_transaction(engine) as connection:
        history = report_history(connection, "REQ-1")
    assert len(history) == 2
    assert history[1]["changes"][0] == "changed input: profiles_digest"
    assert "- profiles.not_loaded (note): " in history[1]["changes"][1]
    assert _tags(engine)[-3:] == [
        "screening.rescreened",
        "screening.rescreened",
        "screening.rescreen_completed",
    ]


def test_rescreening_keeps_the_pattern_findings(engine: Engine) -> None:
    from comity.storage import pattern_store
    from comity.storage.engine import write_transaction

    store(engine, "REQ-1", document())
    with write_transaction(engine) as connection:
        pattern_store.set_outcome(connection, "REQ-1", "refused")
    store(engine, "REQ-2", document(), hours=1, the_inputs=inputs())
    result = rescreen_all(engine, secret=SECRET, inputs=Inputs(shipped_rules(), REGISTRY, {}))
    assert result.changed == 2
    with read_transaction(engine) as connection:
        latest = report_history(connection, "REQ-2")[-1]["report"]
    ids = [f["id"] for f in latest["findings"]]
    assert ids == ["profiles.not_loaded", "pattern.asked_again_after_refusal:REQ-2"]
