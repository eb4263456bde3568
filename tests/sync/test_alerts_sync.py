"""Alerts across devices through a real uvicorn server: two devices that raise the same alert offline make one
alert after sync (no conflict, nothing set aside); what one person told does about it reaches the other; the
area's rule set imported on one device reaches the other and is the one in effect there."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from casedesk.domain.alerts.load import sample_rules
from casedesk.domain.attendance.week import Mark
from casedesk.paths import resource_path
from casedesk.server.db import user_roles
from casedesk.services.alerts.rules import AREA, SAMPLE, store_rules
from casedesk.services.alerts.service import AlertsService
from casedesk.services.attendance.marks import write_marks
from casedesk.services.cohort.indicators import AREA_INDICATORS_ID, store_indicators
from casedesk.services.cohort.indicators import in_effect as indicators_in_effect
from casedesk.store import alerts_repo
from tests.sync.harness import Device, Server, make_device


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


def _marks(device: Device, child: str, school: str, codes: list[str], last_day: date) -> None:
    """Session marks ending on `last_day`, two a school day, going backwards over weekends."""
    sessions: list[Mark] = []
    day, half = last_day, "PM"
    for code in reversed(codes):
        sessions.append(Mark(day, half, code, school))
        if half == "PM":
            half = "AM"
        else:
            half, day = "PM", day - timedelta(days=1)
            while day.weekday() > 4:
                day -= timedelta(days=1)
    with device.db.unit_of_work(device.username) as uow:
        write_marks(uow, [(child, m) for m in sessions], reason="register", today=last_day)


def test_the_same_alert_with_different_evidence_merges_into_one(any_server: Server, tmp_path: Path) -> None:
    """Eve has not yet received Friday's marks when both evaluate: the two alerts differ in evidence, summary and
    the day they were met, and after sync both devices hold one alert — the union of the evidence, the earlier day
    and that day's explanation — with no conflict for anyone to resolve."""
    today = date(2025, 11, 28)  # a Friday of the autumn term
    server = any_server
    url = server.serve()
    school = server.org("Oakwood Primary School")
    server.user(school, "ann")
    server.user(school, "eve")
    ann = make_device(tmp_path, "ann", server, "ann", base_url=url)
    eve = make_device(tmp_path, "eve", server, "eve", base_url=url)
    child = ann.add_child("Lana", "Brightwater", school, current_school_id=school)
    codes = ["/", "\\"] * 14 + ["I", "M", "O", "O", "C", "/", "G", "G", "O", "R"]  # 38 sessions to Thursday
    _marks(ann, child, school, codes, today - timedelta(days=1))
    assert ann.sync().digest_ok and eve.sync().digest_ok
    _marks(ann, child, school, ["O", "N"], today)  # Friday's marks: ann only, offline from here

    found = {}
    for device in (ann, eve):
        AlertsService(device.db, device.username).evaluate(today)
        with device.db.session() as session:
            found[device.name] = {a.rule_id: a for a in alerts_repo.alerts(session)}
    low_ann, low_eve = found["ann"]["recent-attendance-low"], found["eve"]["recent-attendance-low"]
    assert low_ann.id == low_eve.id
    assert len(low_ann.evidence) == 11 and len(low_eve.evidence) == 9 and low_ann.met_on > low_eve.met_on

    reports = [ann.sync(), eve.sync(), ann.sync(), eve.sync()]
    assert all(r.digest_ok and not r.set_aside and not r.conflicts and not r.pulled_conflicts for r in reports)
    held = {}
    for device in (ann, eve):
        with device.db.session() as session:
            held[device.name] = {a.id: a for a in alerts_repo.alerts(session)}
    assert held["ann"].keys() == held["eve"].keys() == {a.id for a in found["ann"].values()}
    for alert_id, alert in held["ann"].items():
        other = held["eve"][alert_id]
        assert (alert.evidence, alert.tell, alert.met_on, alert.summary) == (
            other.evidence,
            other.tell,
            other.met_on,
            other.summary,
        )
    merged = held["ann"][low_ann.id]
    assert merged.met_on == low_eve.met_on and merged.summary == low_eve.summary  # the earlier, as first met
    assert [e["on"] for e in merged.evidence] == sorted(e["on"] for e in low_ann.evidence)  # eve's are among ann's
    assert {(e["row_id"], e["text"]) for e in low_eve.evidence} < {(e["row_id"], e["text"]) for e in merged.evidence}


def test_the_area_indicators_reach_every_device_and_only_from_a_role_that_sets_them(
    server: Server, tmp_path: Path
) -> None:
    school = server.org("Oakwood Primary School")
    for name in ("ann", "eve", "pat"):
        server.user(school, name)
    user_roles.set_role(server.store, "pat", "practitioner")
    url = server.serve()
    ann, eve, pat = (make_device(tmp_path, n, server, n, base_url=url) for n in ("ann", "eve", "pat"))
    area = json.loads(resource_path("risk", "indicators.json").read_text(encoding="utf-8"))
    area["version"] = "2026.1 area"
    area["cliff_edge"]["min_indicators"] = 2
    store_indicators(ann.db, area, "ann")
    assert ann.sync().digest_ok and eve.sync().digest_ok
    held = indicators_in_effect(eve.db)
    assert held.version == "2026.1 area" and held.cliff_edge.min_indicators == 2

    # a practitioner's device that wrote the row anyway (the service refuses it: see test_alert_roles) is refused
    assert pat.sync().digest_ok
    with pat.db.unit_of_work("pat") as uow:
        uow.update("alert_rule_sets", AREA_INDICATORS_ID, {"version": "pat's own"})
    report = pat.sync()
    assert report.set_aside == 1
    [refused] = pat.service.set_aside()
    assert "does not set the area's alert rules or risk indicators" in refused.reason
    assert eve.sync().digest_ok and indicators_in_effect(eve.db).version == "2026.1 area"
