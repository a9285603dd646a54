"""The supply-chain pages (calloffs.views.supply_chain): the lead provider's contracts, its request to
change a subcontractor and its yearly report (errors keep what was typed; "Add another subcontractor"
without JavaScript); the commissioner's page, decision and reading of a report; 404 to everyone else."""

import pytest
from django.urls import reverse

from calloffs.models import SubcontractorChange, SupplyChainReport
from calloffs.services import supply_chain
from tests.calloffs.supply_chain_factories import recorded_contract

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(carol, organisation_a, organisation_b, alice, bob, bea):
    return recorded_contract(carol, organisation_a, organisation_b)


@pytest.fixture
def report(contract):
    return SupplyChainReport.objects.create(contract=contract, year=1)


def test_your_contracts_lists_the_contract_and_its_supply_chain(client, bob, contract, report):
    client.force_login(bob)
    assert reverse("calloffs:supplier_contracts") in client.get(reverse("portal:dashboard")).content.decode()
    page = client.get(reverse("calloffs:supplier_contracts")).content.decode()
    assert reverse("calloffs:supplier_contract", args=[contract.pk]) in page
    assert "Northern Mentors CIC" in page and "Year 1" in page
    page = client.get(reverse("calloffs:supplier_contract", args=[contract.pk])).content.decode()
    assert "Tyne Housing Ltd" in page and "Ask to change a subcontractor" in page
    assert reverse("calloffs:supply_chain_report", args=[contract.pk, report.pk]) in page


def test_a_change_request_with_errors_keeps_what_was_typed(client, bob, contract):
    client.force_login(bob)
    address = reverse("calloffs:subcontractor_change", args=[contract.pk])
    assert "must not require your subcontractors to work only for you" in client.get(address).content.decode()
    page = client.post(address, {"kind": "add", "new_name": "Wear Recovery CIC", "new_share_percent": "15"})
    text = page.content.decode()
    assert "govuk-error-summary" in text
    assert (
        "Enter what the new subcontractor will deliver" in text
        and "Enter why you want to make this change" in text
    )
    assert 'value="Wear Recovery CIC"' in text and 'value="15"' in text
    assert not SubcontractorChange.objects.exists()
    response = client.post(
        address,
        {
            "kind": "add",
            "new_name": "Wear Recovery CIC",
            "new_role": "Recovery groups",
            "new_is_vcse": "yes",
            "new_size_band": "micro",
            "reason": "More people than planned",
        },
    )
    assert response.status_code == 302
    change = SubcontractorChange.objects.get()
    assert (change.kind, change.new_name, change.new_is_vcse, change.requested_by) == (
        "add",
        "Wear Recovery CIC",
        True,
        bob,
    )


def test_the_commissioner_decides_and_errors_keep_the_reason(client, carol, alice, contract):
    change = supply_chain.change_request(
        contract=contract,
        user=alice,
        kind="end",
        reason="Closing",
        subcontractor=contract.subcontractors.first(),
    )
    client.force_login(carol)
    page = client.get(reverse("calloffs:contract_manage", args=[contract.pk])).content.decode()
    address = reverse("calloffs:subcontractor_change_decide", args=[contract.pk, change.pk])
    assert address in page and "waiting for your decision" in page
    text = client.post(address, {"reason": "They are needed"}).content.decode()
    assert "Select whether you approve the change" in text and "They are needed" in text
    response = client.post(address, {"decision": "refuse", "reason": "They are needed"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == "refused"
    assert client.get(address).status_code == 404  # decided: nothing left to decide


@pytest.mark.parametrize("who", ["colin", "bea"])
def test_another_regions_commissioner_and_another_organisation_get_404(
    client, contract, report, alice, who, request
):
    change = supply_chain.change_request(
        contract=contract,
        user=alice,
        kind="end",
        reason="Closing",
        subcontractor=contract.subcontractors.first(),
    )
    client.force_login(request.getfixturevalue(who))
    if who == "colin":
        addresses = [
            reverse("calloffs:contract_manage", args=[contract.pk]),
            reverse("calloffs:subcontractor_change_decide", args=[contract.pk, change.pk]),
            reverse("calloffs:supply_chain_report_read", args=[contract.pk, report.pk]),
        ]
    else:
        addresses = [
            reverse("calloffs:supplier_contract", args=[contract.pk]),
            reverse("calloffs:subcontractor_change", args=[contract.pk]),
            reverse("calloffs:supply_chain_report", args=[contract.pk, report.pk]),
        ]
    for address in addresses:
        assert client.get(address).status_code == 404, address
        assert client.post(address, {"decision": "approve", "reason": "x", "kind": "end"}).status_code == 404
    change.refresh_from_db()
    assert change.status == "pending"


def _line(index: int, **values) -> dict:
    return {f"lines-{index}-{key}": value for key, value in values.items()}


def test_the_report_adds_rows_without_javascript_keeps_input_and_is_sent_once(
    client, bob, carol, contract, report
):
    client.force_login(bob)
    address = reverse("calloffs:supply_chain_report", args=[contract.pk, report.pk])
    page = client.get(address).content.decode()
    assert 'name="lines-2-name"' in page and 'name="lines-3-name"' not in page
    first = _line(
        0,
        name="Northern Mentors CIC",
        delivers="Mentoring",
        amount_paid="40,000",
        is_vcse="yes",
        size_band="micro",
    )
    page = client.post(address, {"slots": "3", "add_row": "1", **first}).content.decode()
    assert 'name="lines-3-name"' in page and 'value="Northern Mentors CIC"' in page
    assert "govuk-error-summary" not in page
    second = _line(1, name="Tyne Housing Ltd", amount_paid="ten pounds")
    page = client.post(address, {"slots": "4", **first, **second}).content.decode()
    assert "govuk-error-summary" in page
    assert "Enter what subcontractor 2 delivered" in page
    assert "Enter the amount paid to subcontractor 2 in whole pounds" in page
    assert 'value="Tyne Housing Ltd"' in page and 'value="ten pounds"' in page
    second = _line(
        1,
        name="Tyne Housing Ltd",
        delivers="Housing advice",
        amount_paid="£10,000",
        is_vcse="no",
        size_band="large",
    )
    response = client.post(address, {"slots": "4", **first, **second})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.submitted_by == bob
    assert list(report.lines.values_list("name", "amount_paid_pence", "is_vcse", "size_band")) == [
        ("Northern Mentors CIC", 40_000_00, True, "micro"),
        ("Tyne Housing Ltd", 10_000_00, False, "large"),
    ]
    page = client.get(address).content.decode()
    assert "£40,000" in page and "Send the report" not in page
    client.force_login(carol)
    page = client.get(
        reverse("calloffs:supply_chain_report_read", args=[contract.pk, report.pk])
    ).content.decode()
    assert "Tyne Housing Ltd" in page and "£10,000" in page


def test_the_contract_pages_make_a_bounded_number_of_queries(
    client, bob, carol, contract, report, django_assert_max_num_queries
):
    """Each page is served (a count of the queries of an error page would prove nothing)."""
    client.force_login(bob)
    with django_assert_max_num_queries(15):
        contracts = client.get(reverse("calloffs:supplier_contracts"))
    with django_assert_max_num_queries(15):
        supply_chain = client.get(reverse("calloffs:supplier_contract", args=[contract.pk]))
    client.force_login(carol)
    with django_assert_max_num_queries(18):
        managed = client.get(reverse("calloffs:contract_manage", args=[contract.pk]))

    assert (contracts.status_code, supply_chain.status_code, managed.status_code) == (200, 200, 200)
    assert "Northern Mentors CIC" in contracts.content.decode()
    assert "Tyne Housing Ltd" in supply_chain.content.decode()
    assert "Tyne Housing Ltd" in managed.content.decode()
