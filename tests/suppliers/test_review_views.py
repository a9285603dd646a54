"""The MoJ admins' review pages: the queue, a submission with its forms, the decision, cyber certificates."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from suppliers import services
from suppliers.models import Application, CategoryChoice, OrganisationStanding, Qualification
from tests.factories import MembershipFactory, OrganisationFactory
from tests.suppliers.factories import (
    PDF_BYTES,
    complete_application,
    decide,
    decided_application,
    exclusion_answers,
    submitted_application,
    upload,
)

pytestmark = pytest.mark.django_db


def review_url(application) -> str:
    return reverse("suppliers:review_detail", args=[application.pk])


def choice(application, code: str) -> CategoryChoice:
    return application.category_choices.select_related("category").get(category__code=code)


def outcome_post(choice: CategoryChoice, outcome: str, feedback: str = "") -> dict[str, str]:
    prefix = f"choice-{choice.pk}"
    return {f"{prefix}-outcome": outcome, f"{prefix}-feedback": feedback}


def post_outcome(client, application, choice: CategoryChoice, outcome: str, feedback: str = ""):
    url = reverse("suppliers:category_outcome", args=[application.pk, choice.pk])
    return client.post(url, outcome_post(choice, outcome, feedback))


def submitted_days_ago(application, days: int) -> None:
    Application.objects.filter(pk=application.pk).update(submitted_at=timezone.now() - timedelta(days=days))


# The queue ----------------------------------------------------------------------------------------


def test_the_queue_lists_waiting_submissions_longest_waiting_first(
    client, ada, alice, bea, organisation_a, organisation_b
):
    newer = submitted_application(organisation_a, alice)
    older = submitted_application(organisation_b, bea, categories=("women",))
    submitted_days_ago(newer, 2)
    submitted_days_ago(older, 9)
    client.force_login(ada)

    response = client.get(reverse("suppliers:review_queue"))

    assert response.status_code == 200
    assert [row.application.pk for row in response.context["rows"]] == [older.pk, newer.pk]
    assert [row.days_waiting for row in response.context["rows"]] == [9, 2]
    html = response.content.decode()
    assert html.index("Beta Housing Trust") < html.index("Alpha Futures CIC")
    assert review_url(older) in html
    assert "New" in html

    week = client.get(reverse("suppliers:review_queue"), {"waited": "7"})
    assert [row.application.pk for row in week.context["rows"]] == [older.pk]


def test_the_queue_filters_by_category_and_by_status(client, ada, alice, bea, organisation_a, organisation_b):
    accommodation = submitted_application(organisation_a, alice)
    women = submitted_application(organisation_b, bea, categories=("women",))
    client.force_login(ada)
    queue = reverse("suppliers:review_queue")
    women_pk = choice(women, "women").category_id

    by_category = client.get(queue, {"category": women_pk}).context["rows"]
    assert [row.application.pk for row in by_category] == [women.pk]

    decide(accommodation, ada)
    waiting = client.get(queue).context["rows"]
    decided = client.get(queue, {"status": "decided"}).context["rows"]
    assert [row.application.pk for row in waiting] == [women.pk]
    assert [row.application.pk for row in decided] == [accommodation.pk]


def test_an_unknown_filter_value_is_shown_as_an_error_and_not_applied(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    client.force_login(ada)

    response = client.get(reverse("suppliers:review_queue"), {"category": "999", "status": "lost"})

    assert "There is a problem" in response.content.decode()
    assert [row.application.pk for row in response.context["rows"]] == [application.pk]


# Who may review ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "bea", "carol"])
def test_only_moj_admins_can_open_the_review_pages(client, request, persona, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    category_choice = application.category_choices.get()
    client.force_login(request.getfixturevalue(persona))

    for url in [
        reverse("suppliers:review_queue"),
        reverse("suppliers:cyber_certificates"),
        review_url(application),
    ]:
        assert client.get(url).status_code == 403, url
    for url in [
        reverse("suppliers:category_outcome", args=[application.pk, category_choice.pk]),
        reverse("suppliers:exclusion_decision", args=[application.pk]),
        reverse("suppliers:application_decide", args=[application.pk]),
    ]:
        assert client.post(url, outcome_post(category_choice, "pass")).status_code == 403, url
    category_choice.refresh_from_db()
    assert category_choice.outcome == CategoryChoice.Outcome.PENDING


def test_signed_out_people_are_sent_to_sign_in(client, alice, organisation_a):
    application = submitted_application(organisation_a, alice)

    response = client.get(review_url(application))

    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_a_draft_is_not_for_review(client, ada, alice, organisation_a):
    draft = complete_application(organisation_a, alice)
    client.force_login(ada)

    assert client.get(review_url(draft)).status_code == 404


def test_a_decided_version_without_a_snapshot_still_opens(client, ada, organisation_a):
    earlier = decided_application(organisation_a, on=timezone.localdate(), successful=False)
    client.force_login(ada)

    response = client.get(review_url(earlier))

    assert response.status_code == 200
    assert "Unsuccessful" in response.content.decode()


def test_the_decision_forms_take_posts_only(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    client.force_login(ada)

    assert client.get(reverse("suppliers:application_decide", args=[application.pk])).status_code == 405


# The review page ----------------------------------------------------------------------------------


def test_the_review_page_shows_the_answers_with_labels_documents_and_a_form_per_new_category(
    client, ada, alice, organisation_a
):
    draft = complete_application(organisation_a, alice, categories=("accommodation", "women"))
    document = services.supporting_document_add(
        category_choice=choice(draft, "women"), user=alice, uploaded_file=upload("evidence.pdf", PDF_BYTES)
    )
    application = services.application_submit(application=draft, user=alice)
    client.force_login(ada)

    response = client.get(review_url(application))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Turnover in the most recent financial year" in html
    assert "£250,000" in html
    assert "turnover_year_1" not in html
    assert "Yorkshire and the Humber" in html
    assert "Housing first for prison leavers" in html
    assert reverse("suppliers:document_download", args=[document.pk]) in html
    assert f'id="category-{choice(application, "women").pk}"' in html
    assert f'name="choice-{choice(application, "accommodation").pk}-outcome"' in html
    assert "Record the outcome and tell the organisation" in html
    assert "0 of 3 unsuccessful applications" in html
    assert 'name="exclusion-decision"' not in html  # nobody answered yes


def test_an_already_qualified_category_is_not_assessed_again(
    client, ada, alice, organisation_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(submitted_application(organisation_a, alice), ada)
    update = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    client.force_login(ada)

    html = client.get(review_url(update)).content.decode()

    assert "Already qualified \N{EN DASH} not assessed" in html
    assert f'name="choice-{choice(update, "accommodation").pk}-outcome"' not in html
    assert f'name="choice-{choice(update, "women").pk}-outcome"' in html
    assert "Version 1" in html  # the earlier version, linked to its own review page
    assert review_url(Application.objects.get(organisation=organisation_a, number=1)) in html


def test_pass_one_category_fail_another_with_feedback_then_decide(
    client, ada, alice, organisation_a, django_capture_on_commit_callbacks
):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    accommodation, women = choice(application, "accommodation"), choice(application, "women")
    client.force_login(ada)

    response = post_outcome(client, application, accommodation, "pass")
    assert response.status_code == 302
    assert response.url == f"{review_url(application)}#category-{accommodation.pk}"
    response = post_outcome(client, application, women, "fail", "The case studies were not about women.")
    assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("suppliers:application_decide", args=[application.pk]))

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.status, application.outcome) == ("decided", "successful")
    qualified = Qualification.objects.filter(organisation=organisation_a)
    assert list(qualified.values_list("category__code", flat=True)) == ["accommodation"]
    assert len(mail.outbox) == 1
    assert "successful" in mail.outbox[0].subject
    assert "The case studies were not about women." in mail.outbox[0].body
    page = client.get(review_url(application)).content.decode()
    assert reverse("suppliers:outcome_letter_pdf", args=[application.pk]) in page
    assert "Record the outcome and tell the organisation" not in page
    assert f'name="choice-{women.pk}-outcome"' not in page  # read-only now
    assert "The case studies were not about women." in page


def test_a_fail_without_feedback_shows_the_problem_and_keeps_the_chosen_outcome(
    client, ada, alice, organisation_a
):
    application = submitted_application(organisation_a, alice)
    accommodation = choice(application, "accommodation")
    client.force_login(ada)

    response = post_outcome(client, application, accommodation, "fail", "   ")

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter feedback for a fail" in html
    assert "<title>Error:" in html
    form = response.context["bound"]
    assert form.data[f"choice-{accommodation.pk}-outcome"] == "fail"
    chosen = re.search(rf'name="choice-{accommodation.pk}-outcome"[^>]*value="(\w+)"\s+checked', html)
    assert chosen and chosen.group(1) == "fail"
    accommodation.refresh_from_db()
    assert accommodation.outcome == CategoryChoice.Outcome.PENDING


def test_the_services_refusal_is_shown_against_the_form(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    accommodation = choice(application, "accommodation")
    decide(application, ada)  # decided meanwhile, in another tab
    client.force_login(ada)

    response = post_outcome(client, application, accommodation, "fail", "Too late.")

    assert response.status_code == 200
    assert "Only a submitted application that has not been decided can be assessed." in (
        response.content.decode()
    )


def test_deciding_with_a_category_undecided_shows_the_services_reason(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice, categories=("accommodation", "women"))
    client.force_login(ada)
    post_outcome(client, application, choice(application, "accommodation"), "pass")

    response = client.post(reverse("suppliers:application_decide", args=[application.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Record a pass or fail for every new category first. Not decided: Women." in html
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED


def test_a_ground_answered_yes_needs_an_exclusion_decision_before_the_outcome(
    client, ada, alice, organisation_a, django_capture_on_commit_callbacks
):
    application = submitted_application(
        organisation_a, alice, exclusion=exclusion_answers(insolvency="Wound up a subsidiary in 2023.")
    )
    client.force_login(ada)
    page = client.get(review_url(application)).content.decode()
    assert "Wound up a subsidiary in 2023." in page
    assert "New board and controls." in page
    post_outcome(client, application, choice(application, "accommodation"), "pass")

    refused = client.post(reverse("suppliers:application_decide", args=[application.pk]))
    assert "Record an exclusion decision first" in refused.content.decode()

    url = reverse("suppliers:exclusion_decision", args=[application.pk])
    without_note = client.post(url, {"exclusion-decision": "accepted", "exclusion-note": ""})
    assert "Enter the reasons for your decision" in without_note.content.decode()
    accepted = client.post(url, {"exclusion-decision": "accepted", "exclusion-note": "A subsidiary only."})
    assert accepted.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(reverse("suppliers:application_decide", args=[application.pk]))

    assert decided.status_code == 302
    application.refresh_from_db()
    assert (application.exclusion_decision, application.outcome) == ("accepted", "successful")


# Cyber certificates -------------------------------------------------------------------------------


def test_cyber_certificates_lists_those_expired_or_expiring_within_30_days(
    client, ada, alice, bea, organisation_a, organisation_b
):
    organisation_c = OrganisationFactory(legal_name="Gamma Mentoring")
    carl = MembershipFactory(organisation=organisation_c, is_admin=True).user
    soon = timezone.localdate() + timedelta(days=10)
    certificate = {"level": "cyber_essentials_plus", "certificate_number": "CEP-9", "expiry_date": soon}
    decide(submitted_application(organisation_a, alice, cyber=certificate), ada)
    decide(submitted_application(organisation_b, bea), ada)
    expired_on = timezone.localdate() - timedelta(days=3)
    OrganisationStanding.objects.filter(organisation=organisation_b).update(cyber_expiry_date=expired_on)
    decide(submitted_application(organisation_c, carl), ada)  # expires in over a year
    client.force_login(ada)

    response = client.get(reverse("suppliers:cyber_certificates"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Alpha Futures CIC" in html
    assert "Cyber Essentials Plus" in html
    assert "CEP-9" in html
    assert "Expired" in html
    assert [(row.certificate.organisation.pk, row.days_left) for row in response.context["rows"]] == [
        (organisation_b.pk, -3),
        (organisation_a.pk, 10),
    ]
    assert "Gamma Mentoring" not in html


def test_a_category_name_is_shown_as_text_never_run_as_markup(client, ada, alice, organisation_a):
    application = submitted_application(organisation_a, alice)
    choice = application.category_choices.get()
    type(choice.category).objects.filter(pk=choice.category_id).update(name="<b>Housing</b> {{ 6|add:7 }}")
    client.force_login(ada)

    html = client.get(reverse("suppliers:review_detail", args=[application.pk])).content.decode()

    assert "<b>Housing</b>" not in html
    assert "&lt;b&gt;Housing&lt;/b&gt; {{ 6|add:7 }}" in html
    assert "Housing</b> 13" not in html and "&gt; 13" not in html
