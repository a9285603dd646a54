"""The rules of a contract's supply chain after the award (calloffs.services.supply_chain): the supply
chain starts from the winning tender, who may ask and who may decide a change, approving applies it and
refusing does not, the history is kept, and the yearly reports are asked for once and reminded once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calloffs.models import ContractSubcontractor, SubcontractorChange, SupplyChainReport
from calloffs.services import supply_chain
from calloffs.services.supply_chain import NewSubcontractor, ReportLine
from portal.exceptions import Problems, RuleBroken
from portal.models import AuditEvent, Message
from tests.calloffs.supply_chain_factories import recorded_contract

pytestmark = pytest.mark.django_db

NEW = NewSubcontractor(
    name="Wear Recovery CIC", role="Recovery groups", share_percent=15, is_vcse=True, size_band="micro"
)


@pytest.fixture
def contract(carol, organisation_a, organisation_b, alice, bob, bea):
    return recorded_contract(carol, organisation_a, organisation_b)


def subcontractor(contract, name: str) -> ContractSubcontractor:
    return contract.subcontractors.get(name=name)


def audited(contract, action: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(contract.pk)).values_list("summary", flat=True)
    )


# The supply chain starts from the tender ----------------------------------------------------------------


def test_recording_the_contract_copies_the_winning_tenders_key_subcontractors_only(contract):
    rows = contract.subcontractors.order_by("name")
    assert [(r.name, r.role, r.share_percent, r.is_vcse, r.started_on, r.ended_on) for r in rows] == [
        ("Northern Mentors CIC", "Mentoring", 20, True, contract.start_date, None),
        ("Tyne Housing Ltd", "Housing advice", 10, False, contract.start_date, None),
    ]


# Who may ask ------------------------------------------------------------------------------------------


def test_any_member_of_the_lead_provider_may_ask_not_only_its_admin(contract, bob, carol):
    change = supply_chain.change_request(
        contract=contract,
        user=bob,
        kind="end",
        reason="They are closing down",
        subcontractor=subcontractor(contract, "Tyne Housing Ltd"),
    )
    assert change.status == SubcontractorChange.Status.PENDING
    assert audited(contract, "supply_chain.change_requested") == [
        "End a subcontract: Tyne Housing Ltd. Reason: They are closing down"
    ]
    message = Message.objects.get(kind=supply_chain.CHANGE_REQUESTED)
    assert message.recipient_user == carol


@pytest.mark.parametrize("who", ["bea", "carol", "ada"])
def test_nobody_outside_the_lead_provider_may_ask(contract, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(RuleBroken, match="Only people in the lead provider"):
        supply_chain.change_request(contract=contract, user=user, kind="add", reason="More help", new=NEW)
    assert not SubcontractorChange.objects.exists()


def test_a_request_needs_a_reason_and_the_new_subcontractors_details(contract, alice):
    with pytest.raises(Problems) as refused:
        supply_chain.change_request(contract=contract, user=alice, kind="switch", reason=" ")
    assert {p.field for p in refused.value.problems} == {
        "subcontractor",
        "new_name",
        "new_role",
        "new_is_vcse",
        "new_size_band",
        "reason",
    }


def test_only_a_current_subcontractor_of_this_contract_can_be_switched_or_ended(
    contract, alice, carol, organisation_b
):
    other = recorded_contract(carol, organisation_b, alice.membership.organisation)
    with pytest.raises(Problems, match="Select a current subcontractor of this contract"):
        supply_chain.change_request(
            contract=contract,
            user=alice,
            kind="end",
            reason="Why not",
            subcontractor=other.subcontractors.first(),
        )


def test_one_pending_request_per_subcontractor(contract, alice, bob):
    tyne = subcontractor(contract, "Tyne Housing Ltd")
    supply_chain.change_request(
        contract=contract, user=alice, kind="end", reason="Closing", subcontractor=tyne
    )
    with pytest.raises(RuleBroken, match="already asked"):
        supply_chain.change_request(
            contract=contract, user=bob, kind="switch", reason="Replace", subcontractor=tyne, new=NEW
        )


# Who may decide, and what a decision does -------------------------------------------------------------


def _switch(contract, alice):
    return supply_chain.change_request(
        contract=contract,
        user=alice,
        kind="switch",
        reason="Tyne Housing cannot cover Sunderland",
        subcontractor=subcontractor(contract, "Tyne Housing Ltd"),
        new=NEW,
    )


@pytest.mark.parametrize("who", ["colin", "alice", "bea"])
def test_only_the_commissioner_covering_the_regions_or_an_moj_admin_decides(contract, alice, who, request):
    change = _switch(contract, alice)
    with pytest.raises(RuleBroken):
        supply_chain.change_decide(
            change=change, user=request.getfixturevalue(who), approve=True, reason="Fine"
        )
    change.refresh_from_db()
    assert change.status == SubcontractorChange.Status.PENDING
    assert contract.subcontractors.filter(ended_on__isnull=False).count() == 0


def test_approving_a_switch_ends_the_old_row_starts_the_new_one_and_keeps_the_history(contract, alice, ada):
    change = _switch(contract, alice)
    now = datetime(2027, 5, 10, 23, 30, tzinfo=UTC)  # 11 May in London
    supply_chain.change_decide(change=change, user=ada, approve=True, reason="Good reason", now=now)
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_reason) == ("approved", ada, "Good reason")
    tyne = subcontractor(contract, "Tyne Housing Ltd")
    assert tyne.ended_on == date(2027, 5, 11)
    wear = subcontractor(contract, "Wear Recovery CIC")
    assert (wear.started_on, wear.ended_on, wear.is_vcse, wear.size_band) == (
        date(2027, 5, 11),
        None,
        True,
        "micro",
    )
    assert change.started == wear
    assert [r.name for r in supply_chain.current_subcontractors(contract)] == [
        "Northern Mentors CIC",
        "Wear Recovery CIC",
    ]
    assert contract.subcontractors.count() == 3  # nothing deleted: the history stays
    assert audited(contract, "supply_chain.change_approved") == [
        "Switch a subcontractor for another: Tyne Housing Ltd to Wear Recovery CIC. Reason: Good reason"
    ]
    message = Message.objects.get(kind=supply_chain.CHANGE_DECIDED)
    assert message.recipient_organisation == contract.organisation
    assert "approved" in message.subject and "Good reason" in message.body


def test_refusing_changes_nothing_in_the_supply_chain(contract, alice, carol):
    change = _switch(contract, alice)
    supply_chain.change_decide(change=change, user=carol, approve=False, reason="Tyne Housing is needed")
    change.refresh_from_db()
    assert change.status == "refused" and change.started is None
    assert list(contract.subcontractors.values_list("name", "ended_on")) == [
        ("Northern Mentors CIC", None),
        ("Tyne Housing Ltd", None),
    ]
    assert audited(contract, "supply_chain.change_refused")
    assert "refused" in Message.objects.get(kind=supply_chain.CHANGE_DECIDED).subject


def test_a_request_is_decided_once(contract, alice, carol):
    change = _switch(contract, alice)
    supply_chain.change_decide(change=change, user=carol, approve=False, reason="No")
    with pytest.raises(RuleBroken, match="already been decided"):
        supply_chain.change_decide(change=change, user=carol, approve=True, reason="Yes after all")
    assert not contract.subcontractors.filter(name="Wear Recovery CIC").exists()


def test_a_decision_needs_a_choice_and_a_reason(contract, alice, carol):
    change = _switch(contract, alice)
    with pytest.raises(Problems) as refused:
        supply_chain.change_decide(change=change, user=carol, approve=None, reason="")
    assert {p.field for p in refused.value.problems} == {"decision", "reason"}


def test_approving_an_add_and_an_end(contract, alice, carol):
    add = supply_chain.change_request(
        contract=contract, user=alice, kind="add", reason="More capacity", new=NEW
    )
    end = supply_chain.change_request(
        contract=contract,
        user=alice,
        kind="end",
        reason="Done",
        subcontractor=subcontractor(contract, "Northern Mentors CIC"),
    )
    supply_chain.change_decide(change=add, user=carol, approve=True, reason="Yes")
    supply_chain.change_decide(change=end, user=carol, approve=True, reason="Yes")
    assert [r.name for r in supply_chain.current_subcontractors(contract)] == [
        "Tyne Housing Ltd",
        "Wear Recovery CIC",
    ]


# Yearly reports ---------------------------------------------------------------------------------------


def test_report_years_fall_due_on_each_anniversary_and_the_short_last_year_after_the_end():
    start, end = date(2026, 4, 1), date(2028, 9, 30)
    assert supply_chain.report_year_due(start, end, date(2027, 3, 31)) is None
    assert supply_chain.report_year_due(start, end, date(2027, 4, 1)) == 1
    assert supply_chain.report_year_due(start, end, date(2028, 4, 1)) == 2
    assert supply_chain.report_year_due(start, end, date(2029, 4, 1)) == 3  # 1 April to 30 September 2028
    assert supply_chain.report_year_due(start, end, date(2035, 1, 1)) == 3


@settings(suppress_health_check=[HealthCheck.too_slow])  # the machine is shared; the rule is pure
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 1, 1)),
    st.integers(min_value=1, max_value=2000),
    st.integers(min_value=0, max_value=4000),
)
def test_a_report_year_is_never_past_the_contract_and_never_before_its_anniversary(start, length, later):
    end, today = start + timedelta(days=length), start + timedelta(days=later)
    year = supply_chain.report_year_due(start, end, today)
    if year is None:
        assert supply_chain.anniversary(start, 1) > today
    else:
        assert supply_chain.anniversary(start, year) <= today
        assert supply_chain.anniversary(start, year - 1) <= end


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def test_a_report_is_asked_for_once_per_contract_per_year_even_when_the_task_runs_twice(contract):
    first_anniversary = _at(date(2027, 4, 1))
    assert supply_chain.reports_request_and_remind(now=first_anniversary - timedelta(days=1)) == (0, 0)
    assert supply_chain.reports_request_and_remind(now=first_anniversary) == (1, 0)
    assert supply_chain.reports_request_and_remind(now=first_anniversary) == (0, 0)
    assert supply_chain.reports_request_and_remind(now=first_anniversary + timedelta(days=3)) == (0, 0)
    report = SupplyChainReport.objects.get()
    assert (report.contract, report.year, report.requested_at) == (contract, 1, first_anniversary)
    messages = Message.objects.filter(kind=supply_chain.REPORT_REQUESTED)
    assert [m.recipient_organisation for m in messages] == [contract.organisation]
    assert supply_chain.reports_request_and_remind(now=_at(date(2028, 4, 1)))[0] == 1
    assert list(contract.supply_chain_reports.values_list("year", flat=True)) == [1, 2]


def test_a_report_not_sent_is_reminded_exactly_once(contract):
    asked = _at(date(2027, 4, 1))
    supply_chain.reports_request_and_remind(now=asked)
    due = asked + timedelta(days=supply_chain.REPORT_REMINDER_DAYS)
    assert supply_chain.reports_request_and_remind(now=due - timedelta(hours=1)) == (0, 0)
    assert supply_chain.reports_request_and_remind(now=due) == (0, 1)
    assert supply_chain.reports_request_and_remind(now=due) == (0, 0)
    assert supply_chain.reports_request_and_remind(now=due + timedelta(days=30)) == (0, 0)
    assert Message.objects.filter(kind=supply_chain.REPORT_REMINDER).count() == 1
    assert SupplyChainReport.objects.get().reminded_at == due


def test_a_sent_report_is_not_reminded(contract, alice):
    asked = _at(date(2027, 4, 1))
    supply_chain.reports_request_and_remind(now=asked)
    supply_chain.report_submit(report=SupplyChainReport.objects.get(), user=alice, lines=[])
    supply_chain.reports_request_and_remind(now=asked + timedelta(days=60))
    assert not Message.objects.filter(kind=supply_chain.REPORT_REMINDER).exists()


LINE = ReportLine(
    name="Northern Mentors CIC",
    delivers="Mentoring",
    amount_paid_pence=40_000_00,
    is_vcse=True,
    size_band="micro",
)


def test_the_lead_sends_its_report_once(contract, bob, bea):
    supply_chain.reports_request_and_remind(now=_at(date(2027, 4, 1)))
    report = SupplyChainReport.objects.get()
    with pytest.raises(RuleBroken, match="Only people in the lead provider"):
        supply_chain.report_submit(report=report, user=bea, lines=[LINE])
    supply_chain.report_submit(report=report, user=bob, lines=[LINE])
    report.refresh_from_db()
    assert report.submitted_by == bob
    assert list(report.lines.values_list("name", "amount_paid_pence")) == [
        ("Northern Mentors CIC", 40_000_00)
    ]
    assert audited(contract, "supply_chain.report_submitted") == [
        "Year 1: 1 subcontractors, 4000000 pence paid"
    ]
    with pytest.raises(RuleBroken, match="already been sent"):
        supply_chain.report_submit(report=report, user=bob, lines=[LINE, LINE])
    assert report.lines.count() == 1


def test_the_beat_runs_the_report_task_every_day(contract):
    from django.conf import settings

    from calloffs import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["supply-chain-reports"]
    assert entry["task"] == "calloffs.tasks.supply_chain_reports_request"
    assert tasks.supply_chain_reports_request.name == entry["task"]
    asked, _ = tasks.supply_chain_reports_request()
    assert SupplyChainReport.objects.count() == asked
    assert tasks.supply_chain_reports_request() == (0, 0)
