"""Sealed until opened (issue 10 point 4): before the commissioner opens the tenders, staff (the commissioner
included, even named an evaluator; an MoJ admin; a commissioner of another region) and other
organisations get 404 or see no tender data on every staff route that can show one: the evaluation pages,
tender file downloads, the Django admin, the audit log and e-mail pages. The bidder's own pages are tested
with the bidder's services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from calloffs import sealed
from calloffs import urls as calloffs_urls
from calloffs.models import (
    ConflictDeclaration,
    Evaluator,
    ModeratedScore,
    Score,
    Tender,
    TenderFile,
    TenderPartner,
    TenderResponse,
    TenderSignature,
    TenderVersion,
)
from calloffs.services import evaluation
from portal.audit import audit_record
from portal.services import message_send
from tests.calloffs import evaluation_factories as ef
from tests.calloffs.tender_factories import started_tender

pytestmark = pytest.mark.django_db

TENDER_MODELS = [Tender, TenderVersion, TenderFile, TenderResponse, TenderSignature, TenderPartner]
EVALUATION_MODELS = [Evaluator, ConflictDeclaration, Score, ModeratedScore]
SECRET = "SEALED-SUMMARY-7731"


@pytest.fixture
def sealed_world(carol, alice, organisation_a, organisation_b, bea):
    """Closed (deadline passed) but not opened: organisation A submitted a tender with a file; organisation
    B started one. Carol has named herself an evaluator already. Each tender has an audit event and a
    message whose text would tell who bids."""
    ef.qualify(organisation_a, alice)
    competition, (tender,) = ef.closed_with_tenders(carol, [(organisation_a, alice)])
    draft = started_tender(competition.lots.get(), organisation_b, bea)
    tender_file = ef.tender_file(tender)
    evaluation.evaluator_name(competition=competition, user=carol, person=carol)
    for each, user in ((tender, alice), (draft, bea)):
        audit_record(actor=user, action="tender.submitted", summary=f"{SECRET} {each.organisation}", obj=each)
        message_send(
            kind="test_notice",
            source=each,
            context={"subject": f"{SECRET} tender received", "text": "Thank you"},
            organisation=each.organisation,
        )
    audit_record(actor=alice, action="tender_file.added", summary=SECRET, obj=tender_file)
    return competition, tender, draft, tender_file


def evaluation_urls(competition, tender, tender_file) -> list[str]:
    args = [competition.pk, tender.pk]
    return [
        reverse("calloffs:declarations", args=[competition.pk]),
        reverse("calloffs:evaluation_tender", args=args),
        reverse("calloffs:evaluation_tender_file", args=[*args, tender_file.pk]),
        reverse("calloffs:scores", args=args),
        reverse("calloffs:moderation", args=args),
        reverse("calloffs:non_compliant", args=args),
        reverse("calloffs:ranking", args=[competition.pk, tender.lot_id]),
    ]


@pytest.mark.parametrize("persona", ["carol", "ada", "colin"])
def test_staff_get_404_on_every_tender_page_and_file_before_opening(persona, sealed_world, client, request):
    competition, tender, _, tender_file = sealed_world
    client.force_login(request.getfixturevalue(persona))
    for url in evaluation_urls(competition, tender, tender_file):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert (
        not Score.objects.exists() and not tender.__class__.objects.exclude(non_compliant_reason="").exists()
    )


@pytest.mark.parametrize("persona", ["bea", "alice"])
def test_suppliers_get_no_staff_evaluation_page(persona, sealed_world, client, request):
    competition, tender, _, tender_file = sealed_world
    client.force_login(request.getfixturevalue(persona))
    for url in [
        reverse("calloffs:evaluation", args=[competition.pk]),
        *evaluation_urls(competition, tender, tender_file),
    ]:
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("persona", ["carol", "ada"])
def test_the_overview_and_competition_page_show_only_counts(persona, sealed_world, client, request):
    competition, *_ = sealed_world
    client.force_login(request.getfixturevalue(persona))
    for name in ("calloffs:evaluation", "calloffs:competition_manage", "calloffs:evaluators"):
        page = client.get(reverse(name, args=[competition.pk])).content.decode()
        assert "Alpha Futures" not in page and "Beta Housing" not in page, name
    page = client.get(reverse("calloffs:evaluation", args=[competition.pk])).content.decode()
    counts = sealed.tender_counts(competition)
    assert (counts.started, counts.submitted) == (2, 1)
    assert "Tenders started" in page and "Tenders submitted" in page


def test_a_commissioner_of_another_region_cannot_reach_the_overview(sealed_world, client, colin):
    competition, *_ = sealed_world
    client.force_login(colin)
    assert client.get(reverse("calloffs:evaluation", args=[competition.pk])).status_code == 404


def test_no_tender_or_evaluation_model_is_in_the_django_admin(sealed_world, client, ada):
    for model in TENDER_MODELS + EVALUATION_MODELS:
        assert model not in admin.site._registry, model
    client.force_login(ada)
    tender = sealed_world[1]
    for model in TENDER_MODELS:
        base = f"/admin/calloffs/{model._meta.model_name}/"
        assert client.get(base).status_code == 404, base
        assert client.get(f"{base}{tender.pk}/change/").status_code == 404, base
    assert "Tender" not in client.get(reverse("admin:index")).content.decode()


def test_the_audit_log_page_hides_sealed_tender_events_and_their_actors(sealed_world, client, ada, carol):
    competition, *_ = sealed_world
    client.force_login(ada)
    for query in ("", "?action=tender", "?actor=alice", "?object_type=calloffs.tender"):
        page = client.get(reverse("portal:audit_log") + query).content.decode()
        # bea did nothing else; alice's questionnaire events stay, but none about her tender
        assert SECRET not in page and "tender.submitted" not in page and "bea@beta.example" not in page, query
    admin_page = client.get(reverse("admin:portal_auditevent_changelist") + "?q=SEALED").content.decode()
    assert "tender.submitted" not in admin_page and SECRET not in admin_page
    # Opened: the submitted tender's events appear; the one never submitted stays with its organisation.
    ef.opened(carol, competition)
    page = client.get(reverse("portal:audit_log")).content.decode()
    assert f"{SECRET} Alpha Futures CIC" in page and f"{SECRET} Beta Housing Trust" not in page


def test_messages_and_e_mails_about_sealed_tenders_are_hidden_in_the_admin(sealed_world, client, ada):
    client.force_login(ada)
    for name in ("admin:portal_message_changelist", "admin:portal_delivery_changelist"):
        page = client.get(reverse(name)).content.decode()
        assert SECRET not in page, name
    # failed e-mails page too
    from portal.models import Delivery

    Delivery.objects.update(status=Delivery.Status.FAILED)
    page = client.get(reverse("portal:failed_deliveries")).content.decode()
    assert SECRET not in page


def test_no_staff_member_may_read_a_sealed_tender(sealed_world, carol, ada, colin, bea, alice):
    _, tender, draft, _ = sealed_world
    for person in (carol, ada, colin, bea):
        assert not sealed.may_read(person, tender)
    assert sealed.may_read(alice, tender) and sealed.may_read(bea, draft)
    assert not sealed.may_read(alice, draft)


def tender_url_kwargs(competition, tender, tender_file) -> dict:
    """A value for every keyword of a tender route, all naming organisation A's submitted tender."""
    return {
        "competition_pk": competition.pk,
        "lot_pk": tender.lot_id,
        "tender_pk": tender.pk,
        "file_pk": tender_file.pk,
        "criterion_pk": competition.criteria.first().pk,
        "item_pk": competition.checklist.first().pk,
        "version": tender.current_version.number,
        "letter_pk": 1,  # no letter exists before opening: the tender is what the route is sealed by
    }


def tender_routes() -> dict[str, tuple[list[str], bool]]:
    """Every calloffs route that names a tender or one of its files (so a route added later is walked
    too): its keywords, and whether it is one of the bidders' own pages (under /tenders/)."""
    return {
        pattern.name: (list(pattern.pattern.regex.groupindex), str(pattern.pattern).startswith("tenders/"))
        for pattern in calloffs_urls.urlpatterns
        if {"tender_pk", "file_pk"} & set(pattern.pattern.regex.groupindex)
    }


@pytest.mark.parametrize("persona", ["carol", "ada", "bea"])
def test_every_route_of_a_tender_or_its_files_tells_staff_and_other_organisations_nothing_before_opening(
    persona, sealed_world, client, request
):
    """Another organisation gets 404 on the bidders' pages. Otherwise the answer is 404, or the 403 of a
    route for the other kind of user or the 405 of a form-only route, whatever the address: always the
    same answer as for a tender that does not exist, so nothing is learnt."""
    competition, tender, _, tender_file = sealed_world
    kwargs = tender_url_kwargs(competition, tender, tender_file)
    missing = {**kwargs, "tender_pk": 999_999, "file_pk": 999_999}
    routes = tender_routes()
    assert {"tender_detail", "tender_file_download", "evaluation_tender_file", "tender_receipt_pdf"} <= set(
        routes
    )
    client.force_login(request.getfixturevalue(persona))
    for name, (keys, bidders_page) in routes.items():
        url = reverse(f"calloffs:{name}", kwargs={key: kwargs[key] for key in keys})
        nowhere = reverse(f"calloffs:{name}", kwargs={key: missing[key] for key in keys})
        statuses = set()
        for method in (client.get, client.post):
            status = method(url).status_code
            assert status in {403, 404, 405} and status == method(nowhere).status_code, (persona, url, status)
            statuses.add(status)
        if persona == "bea" and bidders_page:
            assert 404 in statuses, url
    tender.refresh_from_db()
    assert tender.status == Tender.Status.SUBMITTED and TenderFile.objects.filter(pk=tender_file.pk).exists()


def test_the_tender_routes_walked_above_reach_the_tender_for_its_own_organisation(
    sealed_world, client, alice
):
    """The walk is not 404 for a wrong reason: the bidder's own pages and file answer with the same keys."""
    competition, tender, _, tender_file = sealed_world
    kwargs = tender_url_kwargs(competition, tender, tender_file)
    client.force_login(alice)
    for name, keys in (("tender_detail", ["tender_pk"]), ("tender_file_download", ["tender_pk", "file_pk"])):
        url = reverse(f"calloffs:{name}", kwargs={key: kwargs[key] for key in keys})
        assert client.get(url).status_code == 200, url
