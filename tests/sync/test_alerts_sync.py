"""Alerts across devices through a real uvicorn server: two devices that raise the same alert offline make one
alert after sync (no conflict, nothing set aside); what one person told does about it reaches the other; the
area's rule set imported on one device reaches the other and is the one in effect there."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from casedesk.domain.alerts.load import sample_rules
from casedesk.services.alerts.rules import AREA, SAMPLE, store_rules
from casedesk.services.alerts.service import AlertsService
from casedesk.store import alerts_repo
from tests.sync.harness import Server, make_device


def test_the_same_alert_raised_on_two_devices_is_one_after_sync(server: Server, tmp_path: Path) -> None:
    url = server.serve()
    school = server.org("Oakwood Primary School")
    server.user(school, "ann")
    server.user(school, "eve")
    ann = make_device(tmp_path, "ann", server, "ann", base_url=url)
    eve = make_device(tmp_path, "eve", server, "eve", base_url=url)
    child = ann.add_child("Tallulah", "Brightwater", school)
    when = datetime.combine(date.today() - timedelta(days=1), datetime.min.time(), UTC)
    with ann.db.unit_of_work("ann") as uow:
        uow.insert(
            "events",
            {
                "child_id": child,
                "kind": "arrest",
                "occurred_at": when,
                "recorded_at": when,
                "author": "ann",
                "category": "youth_justice",
                "summary": "Arrested after a fight",
            },
        )
    assert ann.sync().digest_ok and eve.sync().digest_ok  # eve now holds the child, and nobody has evaluated yet

    raised = {}
    for device in (ann, eve):  # both offline from here: each raises the alert on its own
        evaluation, _ = AlertsService(device.db, device.username).evaluate()
        raised[device.name] = evaluation.raised
    assert raised["ann"] == raised["eve"] and len(raised["ann"]) == 1  # the same id, from rule, child and period
    [alert_id] = raised["ann"]

    reports = [ann.sync(), eve.sync(), ann.sync()]
    assert all(r.digest_ok and not r.set_aside and not r.conflicts and not r.pulled_conflicts for r in reports)
    for device in (ann, eve):
        with device.db.session() as session:
            assert [a.id for a in alerts_repo.alerts(session)] == [alert_id]

    AlertsService(eve.db, "eve").acknowledge(alert_id)
    AlertsService(ann.db, "ann").dismiss(alert_id, "Already known and in hand: police liaison officer involved")
    assert eve.sync().digest_ok and ann.sync().digest_ok and eve.sync().digest_ok
    for device in (ann, eve):
        view = AlertsService(device.db, device.username).get(alert_id)
        assert [(a.author, a.action) for a in view.actions] == [("eve", "acknowledged"), ("ann", "dismissed")]
        assert not view.open and view.state_words.startswith("Dismissed by ann")


def test_the_area_rule_set_reaches_every_device_and_wins(server: Server, tmp_path: Path) -> None:
    school = server.org("Oakwood Primary School")
    server.user(school, "ann")
    server.user(school, "eve")
    ann = make_device(tmp_path, "ann", server, "ann", base_url=server.serve())
    eve = make_device(tmp_path, "eve", server, "eve", base_url=server.serve())
    own = dict(sample_rules().document, id="eve-trial", title="Eve's trial rules", version="t1", sample=False)
    store_rules(eve.db, own, "eve", this_device=True)
    assert AlertsService(eve.db, "eve").rules_in_effect().rules.title == "Eve's trial rules"
    assert AlertsService(ann.db, "ann").rules_in_effect().origin == SAMPLE

    area = dict(sample_rules().document, id="area-rules", title="Area alert rules", version="2026.2", sample=False)
    area["rules"] = [r for r in area["rules"] if r["id"] != "persistent-absence"]
    store_rules(ann.db, area, "ann")
    assert ann.sync().digest_ok and eve.sync().digest_ok
    effect = AlertsService(eve.db, "eve").rules_in_effect()
    assert effect.origin == AREA and effect.rules.title == "Area alert rules" and effect.rules.version == "2026.2"
    assert effect.rules.rule("persistent-absence") is None
    assert "the area's rule set" in effect.describe
