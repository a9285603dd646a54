"""The pages of call-offs, with outsiders: a commissioner of another region gets 404 on every page and
action; the public pages need no sign-in; forms keep what was typed."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calloffs.models import Competition, MarketWarmingNotice
from calloffs.services import competitions
from tests.calloffs import factories as f
from tests.factories import AdminFactory
from tests.suppliers import factories as sq_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def competition(carol):
    return f.publishable_competition(carol)


@pytest.fixture
def live(carol):
    return f.live_competition(carol)


def manage_urls(competition) -> list[tuple[str, str]]:
    pk = competition.pk
    lot = competition.lots.first()
    return [
        ("get", reverse("calloffs:competition_manage", args=[pk])),
        ("get", reverse("calloffs:competition_edit", args=[pk])),
        ("get", reverse("calloffs:lot_create", args=[pk])),
        ("get", reverse("calloffs:lot_edit", args=[pk, lot.pk])),
        ("post", reverse("calloffs:lot_remove", args=[pk, lot.pk])),
        ("get", reverse("calloffs:criteria_edit", args=[pk])),
        ("get", reverse("calloffs:checklist_edit", args=[pk])),
        ("get", reverse("calloffs:competition_preview", args=[pk])),
        ("post", reverse("calloffs:competition_publish", args=[pk])),
        ("get", reverse("calloffs:competition_cancel", args=[pk])),
        ("post", reverse("calloffs:competition_cancel", args=[pk])),
        ("get", reverse("calloffs:competition_amend", args=[pk])),
        ("post", reverse("calloffs:competition_amend", args=[pk])),
    ]


def test_a_commissioner_of_another_region_gets_404_on_every_competition_page_and_action(
    client, competition, colin
):
    client.force_login(colin)
    for method, url in manage_urls(competition):
        response = getattr(client, method)(url, {"reason": "x", "summary": "x"})
        assert response.status_code == 404, f"{method} {url}"
    competition.refresh_from_db()
    assert competition.is_draft and competition.lots.count() == 1


def test_a_commissioner_of_another_region_gets_404_on_every_notice_page_and_action(client, carol, colin):
    notice = f.published_notice(carol)
    client.force_login(colin)
    for name in ("notice_manage", "notice_edit", "notice_withdraw"):
        assert client.get(reverse(f"calloffs:{name}", args=[notice.pk])).status_code == 404
    assert (
        client.post(reverse("calloffs:notice_withdraw", args=[notice.pk]), {"reason": "x"}).status_code == 404
    )
    assert client.post(reverse("calloffs:notice_publish", args=[notice.pk])).status_code == 404


def test_every_commissioner_page_opens_for_its_commissioner_and_an_moj_admin(client, competition, carol, ada):
    for person in (carol, ada):
        client.force_login(person)
        for method, url in manage_urls(competition):
            if method == "get":
                assert client.get(url).status_code == 200, url


def test_the_commissioners_list_shows_only_their_regions(client, carol, colin):
    f.draft_competition(carol, title="North East housing")
    f.draft_competition(colin, regions=("london",), title="London housing")
    client.force_login(carol)
    page = client.get(reverse("calloffs:commissioning")).content.decode()
    assert "North East housing" in page and "London housing" not in page


def test_suppliers_cannot_reach_commissioning_pages(client, competition, alice):
    client.force_login(alice)
    assert client.get(reverse("calloffs:commissioning")).status_code == 403
    assert client.get(reverse("calloffs:competition_manage", args=[competition.pk])).status_code == 403


def test_drafting_a_competition_keeps_what_was_typed_on_an_error(client, carol):
    client.force_login(carol)
    too_soon = timezone.localdate() + timedelta(days=10)
    response = client.post(
        reverse("calloffs:competition_create"),
        {
            "title": "Employment support",
            "summary": "Jobs for people on probation",
            "regions": [f.region_id("north-east")],
            "minimum_cyber_level": "cyber_essentials_plus",
            "submission_deadline_0": too_soon.day,
            "submission_deadline_1": too_soon.month,
            "submission_deadline_2": too_soon.year,
            "submission_deadline_time": "12:00",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "at least 28 days after publication" in page
    assert "Jobs for people on probation" in page
    assert not Competition.objects.exists()


def test_drafting_a_competition_for_another_region_is_refused(client, carol, colin):
    client.force_login(carol)
    response = client.post(
        reverse("calloffs:competition_create"),
        {
            "title": "Sneaky",
            "regions": list(f.region_ids("london")),
            "minimum_cyber_level": "cyber_essentials",
        },
    )
    assert response.status_code == 200
    assert not Competition.objects.exists()


def test_a_lot_form_refuses_turnover_above_twice_the_annual_value(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    start = timezone.localdate() + timedelta(days=200)
    response = client.post(
        reverse("calloffs:lot_create", args=[competition.pk]),
        {
            "title": "Tyneside",
            "category": f.category_id("accommodation"),
            "regions": list(f.region_ids("north-east")),
            "contract_years": 2,
            "extension_years": 0,
            "year_1": "1,500,000",
            "year_2": "£1,500,000",
            "contract_start_0": start.day,
            "contract_start_1": start.month,
            "contract_start_2": start.year,
            "minimum_turnover": "3,000,001",
        },
    )
    page = response.content.decode()
    assert "at most twice the estimated annual value" in page
    assert 'value="3,000,001"' in page
    assert not competition.lots.exists()


def test_publishing_shows_every_problem_in_one_error_summary(client, carol):
    competition = f.draft_competition(carol, summary="")
    client.force_login(carol)
    response = client.post(reverse("calloffs:competition_publish", args=[competition.pk]))
    page = response.content.decode()
    assert page.count("govuk-error-summary__list") == 1
    assert "Add at least one lot" in page and "Enter a summary" in page
    assert "Add at least one criterion" in page


def test_publishing_a_complete_competition(client, competition, carol):
    client.force_login(carol)
    response = client.post(reverse("calloffs:competition_publish", args=[competition.pk]))
    assert response.status_code == 302
    competition.refresh_from_db()
    assert competition.status == Competition.Status.LIVE


def test_the_criteria_page_refuses_weightings_not_totalling_100_and_keeps_them(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    data = {
        "criteria-TOTAL_FORMS": 3,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-name": "Quality",
        "criteria-0-weighting": 70,
        "criteria-0-assessed": "Your approach",
        "criteria-1-name": "Price",
        "criteria-1-weighting": 20,
        "criteria-1-assessed": "Value for money",
    }
    page = client.post(reverse("calloffs:criteria_edit", args=[competition.pk]), data).content.decode()
    assert "they add up to 90%" in page and 'value="70"' in page
    data["criteria-1-weighting"] = 30
    assert client.post(reverse("calloffs:criteria_edit", args=[competition.pk]), data).status_code == 302
    assert competition.criteria.count() == 2


def test_a_third_criterion_is_added_after_a_refused_save_without_losing_anything(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    address = reverse("calloffs:criteria_edit", args=[competition.pk])
    data = {
        "criteria-TOTAL_FORMS": 2,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-name": "Quality",
        "criteria-0-weighting": 60,
        "criteria-0-assessed": "Your approach",
        "criteria-1-name": "Social value",
        "criteria-1-weighting": 10,
        "criteria-1-assessed": "What you add",
    }
    page = client.post(address, data).content.decode()
    # The refusal links to the first weighting, and the page offers another row without JavaScript.
    refusal = "The weightings must add up to 100%: they add up to 70%"
    assert f'<a href="#id_criteria-0-weighting">{refusal}</a>' in page
    assert 'name="add_row"' in page
    page = client.post(address, {**data, "add_row": "1"}).content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="3"' in page and 'name="criteria-2-name"' in page
    assert 'value="Quality"' in page and 'value="10"' in page and "There is a problem" not in page
    assert not competition.criteria.exists()
    data.update(
        {
            "criteria-TOTAL_FORMS": 3,
            "criteria-2-name": "Price",
            "criteria-2-weighting": 30,
            "criteria-2-assessed": "Value for money",
        }
    )
    assert client.post(address, data).status_code == 302
    assert list(competition.criteria.values_list("name", "weighting")) == [
        ("Quality", 60),
        ("Social value", 10),
        ("Price", 30),
    ]


def test_a_criterion_without_a_name_is_linked_to_its_row(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    data = {
        "criteria-TOTAL_FORMS": 2,
        "criteria-INITIAL_FORMS": 0,
        "criteria-0-name": "Quality",
        "criteria-0-weighting": 60,
        "criteria-0-assessed": "Your approach",
        "criteria-1-weighting": 40,
        "criteria-1-assessed": "Value for money",
    }
    page = client.post(reverse("calloffs:criteria_edit", args=[competition.pk]), data).content.decode()
    assert '<a href="#id_criteria-1-name">Give each criterion a name and say what is assessed</a>' in page


def test_amending_with_little_time_left_asks_for_a_new_deadline(client, live, carol):
    Competition.objects.filter(pk=live.pk).update(
        submission_deadline=timezone.now() + timedelta(days=3), clarification_deadline=timezone.now()
    )
    client.force_login(carol)
    page = client.post(
        reverse("calloffs:competition_amend", args=[live.pk]), {"summary": "New template"}
    ).content.decode()
    assert "fewer than 7 days" in page
    assert not live.amendments.exists()


# Public pages ------------------------------------------------------------------------------------


def test_the_finder_lists_open_competitions_and_published_notices_only(client, carol, live):
    f.draft_competition(carol, title="A secret draft")
    f.published_notice(carol, title="Housing from 2027")
    closed = f.closed_competition(carol)
    closed.title = "Closed one"
    closed.save()
    page = client.get(reverse("calloffs:finder")).content.decode()
    assert live.title in page and "Housing from 2027" in page
    assert "A secret draft" not in page and "Closed one" not in page
    assert "2 opportunities" in page


def test_the_finder_filters_by_region_value_and_size(client, carol, colin):
    small = f.live_competition(carol, title="Small one")
    big = f.publishable_competition(colin, regions=("london",), title="Big one")
    f.add_lot(
        big,
        colin,
        regions=("london",),
        yearly_values_pence=(2_000_000_00,),
        contract_years=1,
        minimum_turnover_pence=3_000_000_00,
    )
    from calloffs.services import competitions

    competitions.competition_publish(competition=big, user=colin)
    london = f.region_id("london")
    page = client.get(reverse("calloffs:finder"), {"region": london}).content.decode()
    assert "Big one" in page and "Small one" not in page
    page = client.get(
        reverse("calloffs:finder"), {"any_size": "on", "value_band": "100k_to_1m"}
    ).content.decode()
    assert "Small one" in page
    page = client.get(
        reverse("calloffs:finder"), {"value_band": "over_1m", "kind": "competition"}
    ).content.decode()
    assert "Big one" in page and small.title not in page


def test_the_finder_shows_an_error_for_a_value_not_on_the_list(client):
    page = client.get(reverse("calloffs:finder"), {"region": "999"}).content.decode()
    assert "Select a probation region from the list" in page


def test_a_draft_is_not_public(client, competition):
    assert client.get(reverse("calloffs:competition_detail", args=[competition.pk])).status_code == 404
    assert client.get(reverse("calloffs:competition_ics", args=[competition.pk])).status_code == 404


def test_the_detail_page_shows_lots_and_key_dates_to_anyone(client, live):
    page = client.get(reverse("calloffs:competition_detail", args=[live.pk])).content.decode()
    assert "County Durham" in page and "£500,000" in page and "Open to organisations of any size" in page
    assert "Submission deadline" in page and "Sign in" in page


def test_the_finder_and_every_lot_summary_state_each_lots_entry_conditions(client, carol):
    competition = f.draft_competition(carol, minimum_cyber_level="cyber_essentials")
    f.add_lot(competition, carol, title="Tyneside", yearly_values_pence=(300_000_00, 310_000_00, 310_000_00))
    f.add_lot(
        competition,
        carol,
        title="The whole North East",
        yearly_values_pence=(1_500_000_00,) * 3,
        minimum_turnover_pence=2_000_000_00,
    )
    f.set_criteria(competition, carol)
    competitions.competition_publish(competition=competition, user=carol)
    any_size = "Open to organisations of any size. Cyber security certificate: Cyber Essentials or higher."
    turnover = "Minimum yearly turnover: £2,000,000. Cyber security certificate: Cyber Essentials or higher."
    finder = client.get(reverse("calloffs:finder")).content.decode()
    detail = client.get(reverse("calloffs:competition_detail", args=[competition.pk])).content.decode()
    client.force_login(carol)
    manage = client.get(reverse("calloffs:competition_manage", args=[competition.pk])).content.decode()
    for page in (finder, detail, manage):
        assert any_size in page and turnover in page
        assert "£306,667" in page and "£306,666" not in page  # an estimate in whole pounds, rounded


def test_a_signed_in_supplier_reads_the_eligibility_sentence_for_each_lot(
    client, live, alice, organisation_a
):
    decided = sq_factories.submitted_application(organisation_a, alice)
    sq_factories.decide(decided, AdminFactory())
    client.force_login(alice)
    page = client.get(reverse("calloffs:competition_detail", args=[live.pk])).content.decode()
    assert "You can bid for this lot." in page or "You cannot bid: " in page


def test_the_ics_file_has_both_deadlines(client, live):
    response = client.get(reverse("calloffs:competition_ics", args=[live.pk]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 2 and "\r\n" in body
    assert live.submission_deadline.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in body


def test_a_published_notice_is_public_and_a_draft_is_not(client, carol):
    notice = f.published_notice(carol)
    assert client.get(reverse("calloffs:notice_detail", args=[notice.pk])).status_code == 200
    draft = MarketWarmingNotice.objects.create(title="Draft", created_by=carol)
    assert client.get(reverse("calloffs:notice_detail", args=[draft.pk])).status_code == 404


def test_can_i_bid_explains_the_threshold(client):
    category = f.category_id("accommodation")
    region = f.region_id("wales")
    big = client.get(
        reverse("calloffs:can_i_bid"), {"category": category, "region": region, "value": "1,500,000"}
    )
    page = big.content.decode()
    assert "at most £3,000,000" in page and "Qualify on the framework for Accommodation" in page
    small = client.get(
        reverse("calloffs:can_i_bid"), {"category": category, "region": region, "value": "90000"}
    )
    assert "open to organisations of any size" in small.content.decode()


def test_can_i_bid_asks_for_what_is_missing(client):
    page = client.get(reverse("calloffs:can_i_bid"), {"value": "lots"}).content.decode()
    assert "Select a service category" in page and "whole pounds" in page


def test_fields_added_to_a_post_change_nothing_they_should_not(client, competition, carol):
    client.force_login(carol)
    client.post(
        reverse("calloffs:competition_edit", args=[competition.pk]),
        {
            "title": "Renamed",
            "regions": [f.region_id("north-east")],
            "minimum_cyber_level": "cyber_essentials",
            "status": "live",
            "published_at": "2026-01-01 10:00",
            "created_by": "1",
        },
    )
    competition.refresh_from_db()
    assert competition.title == "Renamed"
    assert competition.is_draft and competition.published_at is None and competition.created_by == carol


def test_a_commissioner_drafts_and_publishes_a_notice_through_the_pages(client, carol):
    client.force_login(carol)
    start = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("calloffs:notice_create"),
        {
            "title": "Coming soon",
            "summary": "Support for young adults",
            "categories": [f.category_id("young-adults")],
            "regions": [f.region_id("north-east")],
            **{f"invitation_date_{i}": v for i, v in enumerate((start.day, start.month, start.year))},
            "value_low": "1,000",
            "value_high": "500",
        },
    )
    assert "The lowest estimated value must not be more than the highest" in response.content.decode()
    assert not MarketWarmingNotice.objects.exists()
    response = client.post(
        reverse("calloffs:notice_create"),
        {"title": "Coming soon", "regions": [f.region_id("north-east")]},
    )
    notice = MarketWarmingNotice.objects.get()
    assert response.url == reverse("calloffs:notice_manage", args=[notice.pk])
    page = client.post(reverse("calloffs:notice_publish", args=[notice.pk])).content.decode()
    assert "Enter a summary" in page and "Select at least one service category" in page


def test_a_withdrawn_competition_tells_bidders_why(client, live, carol):
    client.force_login(carol)
    client.post(
        reverse("calloffs:competition_cancel", args=[live.pk]), {"reason": "The service is redesigned"}
    )
    client.logout()
    page = client.get(reverse("calloffs:competition_detail", args=[live.pk])).content.decode()
    assert "The service is redesigned" in page


def test_the_checklist_page_makes_a_standard_item_optional_and_adds_one(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    url = reverse("calloffs:checklist_edit", args=[competition.pk])
    page = client.get(url).content.decode()
    # The menu's sign-out form and the time-out warning's carry their own tokens, outside <main>.
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count('name="csrfmiddlewaretoken"') == 1  # once for the form, not once per row
    data = {"checklist-TOTAL_FORMS": 7, "checklist-INITIAL_FORMS": 6}
    for index, item in enumerate(competition.checklist.all()):
        data[f"checklist-{index}-standard_code"] = item.standard_code
        if item.standard_code != "financial_model":
            data[f"checklist-{index}-required"] = "on"
    data.update({"checklist-6-name": "Safeguarding policy", "checklist-6-kind": "template_document"})
    assert client.post(url, data).status_code == 302
    assert competition.checklist.count() == 7
    assert not competition.checklist.get(standard_code="financial_model").required
    assert competition.checklist.get(standard_code="").name == "Safeguarding policy"


def test_the_checklist_page_adds_another_item_and_links_a_refusal_to_its_row(client, carol):
    competition = f.draft_competition(carol)
    client.force_login(carol)
    url = reverse("calloffs:checklist_edit", args=[competition.pk])
    data = {"checklist-TOTAL_FORMS": 7, "checklist-INITIAL_FORMS": 6}
    for index, item in enumerate(competition.checklist.all()):
        data[f"checklist-{index}-standard_code"] = item.standard_code
        data[f"checklist-{index}-required"] = "on"
    data.update({"checklist-6-name": "Safeguarding policy"})
    page = client.post(url, data).content.decode()
    assert '<a href="#id_checklist-6-name">Give each item a name and say what kind of item it is</a>' in page
    page = client.post(url, {**data, "add_row": "1"}).content.decode()
    assert 'name="checklist-TOTAL_FORMS" value="8"' in page and 'name="checklist-7-name"' in page
    assert 'value="Safeguarding policy"' in page and "There is a problem" not in page
    assert competition.checklist.count() == 6
