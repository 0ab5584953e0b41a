"""The version mapping holds against the versions as they were shipped (issue 14).

tests/fixtures/checklist-versions/shipped-ids.yaml lists the item IDs of each checklist's 1.0,
read from the repository's history. For every such checklist, ``checklists/_mapping.yaml`` must
account for each difference: an old ID is still an item, or is listed as changed (with the new
ID that replaces it) or removed; every new ID is an old one, a successor, or listed as added.
So an owner's old answers carry over exactly where the question still means the same."""

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from berdikari import checklists as cl
from berdikari import versions

SHIPPED = Path(__file__).parent / "fixtures" / "checklist-versions" / "shipped-ids.yaml"
OLD = YAML(typ="safe").load(SHIPPED.read_text(encoding="utf-8"))


def test_every_checklist_with_a_newer_version_has_its_shipped_ids():
    newer = {c.id for c in cl.load_all().values() if c.version != "1.0"}
    assert newer, "no checklist has a second version"
    assert newer <= set(OLD), f"add the shipped 1.0 IDs of {sorted(newer - set(OLD))}"


@pytest.mark.parametrize(("checklist_id", "old_version"), [(c, v) for c in OLD for v in OLD[c]])
def test_the_mapping_accounts_for_every_difference(checklist_id, old_version):
    current = cl.load_all()[checklist_id]
    old_ids = set(OLD[checklist_id][old_version])
    new_ids = {i.id for i in current.items}
    d = versions.diff(checklist_id, old_version, current.version)
    assert d.dropped <= old_ids, "the mapping names IDs the old version never had"
    assert set(d.changed.values()) <= old_ids
    kept = old_ids - d.dropped
    assert kept <= new_ids, f"old IDs gone without a mapping entry: {sorted(kept - new_ids)}"
    assert kept | set(d.changed) | d.added == new_ids, (
        f"new IDs the mapping does not explain: {sorted(new_ids - kept - set(d.changed) - d.added)}"
    )
    # a draft of the new version keeps exactly the answers whose question did not change
    old_answers = {i: ("yes", None) for i in old_ids}
    carried = versions.carried_answers(
        checklist_id, old_version, current.version, old_answers, new_ids
    )
    assert set(carried) == kept
    for old_id in old_ids:
        successor = versions.current_id(checklist_id, old_version, old_id, current.version)
        assert successor is None or successor in new_ids, (old_id, successor)


def test_the_halal_and_label_changes_are_the_ones_issue_14_asked_for():
    d = versions.diff("halal-self-declare", "1.0", "2.0")
    assert d.changed == {"HALAL-SD-01.05": "HALAL-SD-01.02", "HALAL-SD-01.06": "HALAL-SD-01.04"}
    assert versions.diff("label-pangan", "1.0", "2.0").changed == {
        "LABEL-PANGAN-02.06": "LABEL-PANGAN-02.05"
    }
