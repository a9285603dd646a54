"""Who may open what: every URL the project declares, against every kind of person.

EXPECTED holds the answer for each pair: an HTTP status, or a `Redirect` that says where the person is
sent (to sign in and then back to the page asked for, to confirm who they are, or on to a named page after
a successful POST); a bare 302 is not an answer. A URL pattern missing from the table fails the test, so
no page can ship without someone deciding who may see it.

The people and the records the URLs point at are built once for the module (`world`); each case runs in
a savepoint of it, so what one case changes (a POST that succeeds) the next never sees.
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.base import ContentFile
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from calloffs import tender_receipts
from calloffs.models import SupplyChainReport
from calloffs.services import awards as award_services
from calloffs.services import clarifications, documents, evaluation, notices
from calloffs.services import supply_chain as supply_chain_services
from calloffs.services import tenders as tender_services
from grants.models import ConflictDeclaration as GrantConflictDeclaration
from grants.models import Decision as GrantDecision
from grants.models import GrantApplication, GrantRound
from grants.models import ModeratedScore as GrantModeratedScore
from grants.models import Score as GrantScore
from grants.services import assessment as grants_assessment
from portal import alerts as portal_alerts
from portal import services, stored_pdfs
from portal.models import FinancialProfile, Message
from suppliers import services as sq_services
from suppliers.models import CyberReminder, PartnerSearch
from tests.calloffs import award_factories, evaluation_factories, supply_chain_factories, tender_helpers
from tests.calloffs import factories as calloff_factories
from tests.calloffs.tender_factories import started_tender
from tests.conftest import built_once, make_personas
from tests.factories import AdminFactory, MembershipFactory, OrganisationFactory, region
from tests.grants import award_factories as grant_awards
from tests.grants import factories as grants_factories
from tests.suppliers import factories as sq_factories

ROLES = ("anonymous", "member_a", "admin_a", "member_b", "commissioner", "commissioner_other", "moj_admin")
PERSONA = {
    "member_a": "bob",
    "admin_a": "alice",
    "member_b": "bea",
    "commissioner": "carol",
    "commissioner_other": "colin",
    "moj_admin": "ada",
}


@dataclass(frozen=True)
class Redirect:
    """A 302 to the page named `to` (at `fragment`); with `back`, carrying the page asked for as `next`,
    so that the person comes back to it."""

    to: str
    back: bool = False
    fragment: str = ""

    def check(self, location: str, asked: str) -> None:
        parts = urlsplit(location)
        sent_to = resolve(parts.path).view_name
        came_back_to = parse_qs(parts.query).get("next", [None])[0]
        assert (sent_to, parts.fragment) == (self.to, self.fragment), f"sent to {location}, not to {self}"
        assert came_back_to == (asked if self.back else None), f"sent to {location}, not to {self}"


def to(name: str, fragment: str = "") -> Redirect:
    return Redirect(name, fragment=fragment)


LOGIN = Redirect("account_login", back=True)  # to sign in, then back
ADMIN_LOGIN = Redirect("admin:login", back=True)
CONFIRM = Redirect("account_reauthenticate", back=True)  # to confirm who they are, then back
DASHBOARD = to("portal:dashboard")

#                                  anon member_a admin_a member_b comm comm_other moj_admin
EVERYONE = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200, 200, 200)
ORGANISATION_A = (LOGIN, 200, 200, 404, 403, 403, 403)
ORGANISATION_A_ADMIN = (LOGIN, 403, 200, 404, 403, 403, 403)
MOJ_ADMIN_ONLY = (LOGIN, 403, 403, 403, 403, 403, 200)
SUPPLIER_MEMBERS = (LOGIN, 200, 200, 200, 403, 403, 403)
ORGANISATION_A_OR_MOJ_ADMIN = (LOGIN, 200, 200, 404, 403, 403, 200)
ADMIN_SITE = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)
SIGNED_OUT_ONLY = (200, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD)
# Pages reached only in the middle of signing in: straight to sign-in, or (signed in) to the dashboard.
MID_SIGN_IN = (Redirect("account_login"), DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD, DASHBOARD)
# Changing two-factor settings first asks people to confirm who they are (a recent sign-in).
CONFIRM_FIRST = (LOGIN, CONFIRM, CONFIRM, CONFIRM, CONFIRM, CONFIRM, CONFIRM)
NOT_EVEN_MOJ_ADMINS = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403)
# Call-offs: staff only; a North East competition (carol's) is 404 to a commissioner of another region.
COMMISSIONING = (LOGIN, 403, 403, 403, 200, 200, 200)
NORTH_EAST_STAFF = (LOGIN, 403, 403, 403, 200, 404, 200)


def north_east_staff_post(place: str, fragment: str = "") -> tuple:
    """A commissioner's POST that succeeds for the North East's staff, who are sent on to `place`."""
    return (LOGIN, 403, 403, 403, to(place, fragment), 404, to(place, fragment))


# Evaluation: a tender is read only by an evaluator who declared no conflict (carol here); an MoJ admin who
# is not one gets 404 like everyone else on staff.
CLEARED_EVALUATOR = (LOGIN, 403, 403, 403, 200, 404, 404)
# A draft's document: public URL, but only the commissioners of its regions and MoJ admins may read it.
NORTH_EAST_STAFF_DRAFT_DOCUMENT = (404, 404, 404, 404, 200, 404, 200)

EXPECTED: dict[str, tuple[str, tuple[int, ...]]] = {
    # Public pages
    "portal:home": ("GET", EVERYONE),
    "portal:how_qualification_works": ("GET", EVERYONE),
    "portal:glossary": ("GET", EVERYONE),
    "portal:accessibility": ("GET", EVERYONE),
    "portal:cookies": ("GET", EVERYONE),
    "portal:privacy": ("GET", EVERYONE),
    # Invitation links are public (the invitee may have no account yet); the token is the secret.
    "portal:invitation_accept": ("GET", EVERYONE),
    # Signed in
    "portal:dashboard": ("GET", SIGNED_IN),
    "portal:inbox": ("GET", SIGNED_IN),
    # Organisation A's own pages: outsiders get 404 so ids cannot be probed; staff are not members.
    "portal:organisation_create": ("GET", (LOGIN, *[to("portal:organisation_detail")] * 3, 403, 403, 403)),
    "portal:organisation_detail": ("GET", ORGANISATION_A),
    "portal:organisation_edit": ("GET", ORGANISATION_A_ADMIN),
    # Every member may keep the accounts up to date (the questionnaire and registration they replace are
    # every member's); another organisation's member gets 404.
    "portal:financial_profile_edit": ("GET", ORGANISATION_A),
    "portal:financial_profile_accounts": ("GET", ORGANISATION_A),
    "portal:member_invite": ("GET", ORGANISATION_A_ADMIN),
    "portal:member_remove": ("GET", ORGANISATION_A_ADMIN),
    "portal:invitation_cancel": ("POST", (LOGIN, 403, to("portal:organisation_detail"), 404, 403, 403, 403)),
    "portal:message_detail": ("GET", (LOGIN, 200, 200, 404, 404, 404, 404)),
    # MoJ admins
    "portal:audit_log": ("GET", MOJ_ADMIN_ONLY),
    "portal:failed_deliveries": ("GET", MOJ_ADMIN_ONLY),
    # Sending a failed e-mail again; this one was sent, so the admin is sent back with a message.
    "portal:delivery_retry": ("POST", (LOGIN, 403, 403, 403, 403, 403, to("portal:failed_deliveries"))),
    # The time-out warning (docs/adr/0022): anyone may ask; without a session the answer is "none left".
    "portal:session_status": ("GET", EVERYONE),
    "portal:session_extend": ("POST", EVERYONE),
    "portal:signed_out": ("GET", SIGNED_OUT_ONLY),  # a session with time left goes on to the dashboard
    "admin:*": ("GET", ADMIN_SITE),
    # allauth guards the admin's sign-in: signed-in people who are not MoJ admins are refused there.
    "admin:login": ("GET", (LOGIN, 403, 403, 403, 403, 403, to("admin:index"))),
    # The audit log cannot be written by hand, even by an MoJ admin.
    "admin:portal_auditevent_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    # Deliveries (e-mails) are written by the services; failed ones are sent again from /failed-emails/.
    "admin:portal_delivery_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    # An organisation's accounts are recorded by its members; each version is kept as it was.
    "admin:portal_financialprofile_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    # Questionnaires, qualifications and their records are made by the services, never typed in the admin.
    "admin:suppliers_application_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:suppliers_cyberreminder_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:suppliers_organisationregion_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:suppliers_qualification_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:suppliers_supportingdocument_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    # Autocomplete needs a field to search; without one even an MoJ admin is refused.
    "admin:autocomplete": ("GET", NOT_EVEN_MOJ_ADMINS),
    # Qualification: organisation A's questionnaire. Commissioners see none; MoJ admins may read and print.
    "suppliers:qualification_status": ("GET", SUPPLIER_MEMBERS),
    "suppliers:application_list": ("GET", SUPPLIER_MEMBERS),
    "suppliers:application_start": (
        "POST",
        (LOGIN, *[to("suppliers:application_detail")] * 3, 403, 403, 403),
    ),
    "suppliers:application_detail": ("GET", ORGANISATION_A_OR_MOJ_ADMIN),
    "suppliers:application_pdf": ("GET", ORGANISATION_A_OR_MOJ_ADMIN),
    "suppliers:outcome_letter_pdf": ("GET", ORGANISATION_A_OR_MOJ_ADMIN),
    # The document is a draft's: a draft is the organisation's own until it is sent (ADR 0005).
    "suppliers:document_download": ("GET", (LOGIN, 200, 200, 404, 403, 403, 404)),
    "suppliers:submitted": ("GET", ORGANISATION_A),
    "suppliers:section_edit": ("GET", ORGANISATION_A),
    "suppliers:category_edit": ("GET", ORGANISATION_A),
    # The answer library, for one field of a category's page: organisation A's own words, to its own people
    "suppliers:category_earlier_answers": ("GET", ORGANISATION_A),
    "suppliers:check_answers": ("GET", ORGANISATION_A),
    "suppliers:category_remove": ("POST", (LOGIN, *[to("suppliers:section_edit")] * 2, 404, 403, 403, 403)),
    "suppliers:document_upload": ("POST", (LOGIN, 200, 200, 404, 403, 403, 403)),
    "suppliers:document_remove": ("POST", (LOGIN, *[to("suppliers:category_edit")] * 2, 404, 403, 403, 403)),
    # Qualification: MoJ admins' review
    "suppliers:review_queue": ("GET", MOJ_ADMIN_ONLY),
    "suppliers:cyber_certificates": ("GET", MOJ_ADMIN_ONLY),
    "suppliers:review_detail": ("GET", MOJ_ADMIN_ONLY),
    "suppliers:category_outcome": ("POST", (LOGIN, 403, 403, 403, 403, 403, 200)),
    "suppliers:exclusion_decision": ("POST", (LOGIN, 403, 403, 403, 403, 403, 200)),
    "suppliers:application_decide": ("POST", (LOGIN, 403, 403, 403, 403, 403, 200)),
    "suppliers:decision_extend": ("GET", MOJ_ADMIN_ONLY),
    # Partner finding: each organisation's admins; removing a search of organisation A
    "suppliers:partner_searches": ("GET", (LOGIN, 403, 200, 200, 403, 403, 403)),
    "suppliers:partner_search_remove": (
        "POST",
        (LOGIN, 403, to("suppliers:partner_searches"), 404, 403, 403, 403),
    ),
    # Qualification: public
    "suppliers:provider_list": ("GET", EVERYONE),
    "suppliers:provider_csv": ("GET", EVERYONE),
    "suppliers:agreement_current": ("GET", EVERYONE),
    "suppliers:agreement_pdf": ("GET", EVERYONE),
    # Call-offs: public
    "calloffs:finder": ("GET", EVERYONE),
    "calloffs:competition_detail": ("GET", EVERYONE),
    "calloffs:competition_ics": ("GET", EVERYONE),
    "calloffs:notice_detail": ("GET", EVERYONE),
    "calloffs:can_i_bid": ("GET", EVERYONE),
    # Transparency: statistics, their CSVs and the open data (OCDS) are public
    "calloffs:statistics": ("GET", EVERYONE),
    "calloffs:statistics_csv": ("GET", EVERYONE),
    "calloffs:open_data": ("GET", EVERYONE),
    "calloffs:ocds_releases": ("GET", EVERYONE),
    "calloffs:ocds_competition": ("GET", EVERYONE),
    # Transparency: the 360Giving open data of grants awarded is public
    "threesixty:grants_json": ("GET", EVERYONE),
    "threesixty:grants_csv": ("GET", EVERYONE),
    # Opportunity alerts: each supplier's own e-mail settings; the unsubscribe link is its own proof
    "calloffs:alert_settings": ("GET", SUPPLIER_MEMBERS),
    "calloffs:alerts_unsubscribe": ("GET", EVERYONE),
    # Call-offs: commissioners (their own regions) and MoJ admins
    "calloffs:commissioning": ("GET", COMMISSIONING),
    "calloffs:notice_create": ("GET", COMMISSIONING),
    "calloffs:notice_manage": ("GET", NORTH_EAST_STAFF),
    "calloffs:notice_edit": ("GET", NORTH_EAST_STAFF),
    "calloffs:notice_publish": ("POST", north_east_staff_post("calloffs:notice_manage")),
    "calloffs:notice_withdraw": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_create": ("GET", COMMISSIONING),
    "calloffs:competition_manage": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_edit": ("GET", NORTH_EAST_STAFF),
    "calloffs:lot_create": ("GET", NORTH_EAST_STAFF),
    "calloffs:lot_edit": ("GET", NORTH_EAST_STAFF),
    "calloffs:lot_remove": ("POST", north_east_staff_post("calloffs:competition_manage", "lots")),
    "calloffs:criteria_edit": ("GET", NORTH_EAST_STAFF),
    "calloffs:checklist_edit": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_preview": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_publish": ("POST", north_east_staff_post("calloffs:competition_manage")),
    "calloffs:competition_cancel": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_amend": ("GET", NORTH_EAST_STAFF),
    "calloffs:document_download": ("GET", NORTH_EAST_STAFF_DRAFT_DOCUMENT),
    # Deciding a lot (an opened competition whose lot is awarded and in its standstill)
    "calloffs:lot_award": ("GET", NORTH_EAST_STAFF),
    "calloffs:lot_no_suitable_bidder": ("GET", NORTH_EAST_STAFF),
    "calloffs:award_withdraw": ("GET", NORTH_EAST_STAFF),
    "calloffs:contract_record": ("GET", NORTH_EAST_STAFF),
    # An outcome letter about organisation A's tender: its people only
    "calloffs:outcome_letter_pdf": ("GET", ORGANISATION_A),
    # Organisation A's contract after the award: its supply chain, a change request and a yearly report
    "calloffs:supplier_contracts": ("GET", SUPPLIER_MEMBERS),
    "calloffs:supplier_contract": ("GET", ORGANISATION_A),
    "calloffs:subcontractor_change": ("GET", ORGANISATION_A),
    "calloffs:supply_chain_report": ("GET", ORGANISATION_A),
    "calloffs:contract_manage": ("GET", NORTH_EAST_STAFF),
    "calloffs:subcontractor_change_decide": ("GET", NORTH_EAST_STAFF),
    "calloffs:supply_chain_report_read": ("GET", NORTH_EAST_STAFF),
    # Red flags: every competition's for MoJ admins; a decided competition's for its commissioners too
    "calloffs:integrity_checks": ("GET", MOJ_ADMIN_ONLY),
    "calloffs:integrity_competition": ("GET", NORTH_EAST_STAFF),
    "calloffs:competition_documents": ("GET", NORTH_EAST_STAFF),
    "calloffs:notice_documents": ("GET", NORTH_EAST_STAFF),
    "calloffs:document_remove": ("POST", north_east_staff_post("calloffs:competition_documents")),
    "calloffs:evaluation": ("GET", NORTH_EAST_STAFF),
    "calloffs:tenders_open": ("POST", north_east_staff_post("calloffs:evaluation")),
    "calloffs:evaluators": ("GET", NORTH_EAST_STAFF),
    "calloffs:evaluator_remove": ("POST", north_east_staff_post("calloffs:evaluators")),
    "calloffs:declarations": ("GET", CLEARED_EVALUATOR),
    "calloffs:evaluation_tender": ("GET", CLEARED_EVALUATOR),
    "calloffs:evaluation_tender_file": ("GET", CLEARED_EVALUATOR),
    "calloffs:scores": ("GET", CLEARED_EVALUATOR),
    "calloffs:moderation": ("GET", CLEARED_EVALUATOR),
    "calloffs:non_compliant": ("GET", CLEARED_EVALUATOR),
    "calloffs:ranking": ("GET", NORTH_EAST_STAFF),
    # Tenders: organisation A's submitted tender, sealed from everyone else (404), staff included (403:
    # only supplier members reach these pages at all; opened tenders are read elsewhere).
    "calloffs:tender_list": ("GET", SUPPLIER_MEMBERS),
    # Starting again sends A to its tender; organisation B is told why it cannot bid (200).
    "calloffs:tender_start": ("POST", (LOGIN, *[to("calloffs:tender_detail")] * 2, 200, 403, 403, 403)),
    "calloffs:tender_detail": ("GET", ORGANISATION_A),
    "calloffs:tender_response": ("GET", ORGANISATION_A),
    # The answer library and copying an earlier tender: organisation A's own words, to its own people only
    "calloffs:tender_earlier_answers": ("GET", ORGANISATION_A),
    "calloffs:tender_copy": ("GET", ORGANISATION_A),
    "calloffs:tender_document": ("GET", ORGANISATION_A),
    "calloffs:tender_file_download": ("GET", ORGANISATION_A),
    # A submitted tender's file cannot be removed: sent back to the tender with the reason.
    "calloffs:tender_file_remove": ("POST", (LOGIN, *[to("calloffs:tender_detail")] * 2, 404, 403, 403, 403)),
    "calloffs:tender_sign": ("GET", ORGANISATION_A),
    "calloffs:tender_partners": ("GET", ORGANISATION_A),
    "calloffs:tender_submitter": ("GET", ORGANISATION_A_ADMIN),
    "calloffs:tender_check": ("GET", ORGANISATION_A),
    # Already submitted: refused with the reason (400).
    "calloffs:tender_submit": ("POST", (LOGIN, 400, 400, 404, 403, 403, 403)),
    "calloffs:tender_withdraw": ("GET", ORGANISATION_A),
    "calloffs:tender_receipt": ("GET", ORGANISATION_A),
    "calloffs:tender_receipt_pdf": ("GET", ORGANISATION_A),
    # Clarification questions: any supplier member asks about a live competition; its commissioners answer
    "calloffs:question_ask": ("GET", SUPPLIER_MEMBERS),
    "calloffs:clarification_list": ("GET", NORTH_EAST_STAFF),
    "calloffs:clarification_answer": ("GET", NORTH_EAST_STAFF),
    # Re-confirming a tender after an amendment: organisation A's own tender
    "calloffs:tender_reconfirm": ("GET", ORGANISATION_A),
    # Grants: public
    "grants:round_list": ("GET", EVERYONE),
    "grants:start": ("GET", EVERYONE),
    # The grants door's "create an account" and "sign in": remembered in the session, then allauth's pages.
    "grants:create_account": ("GET", (to("account_signup"),) * len(ROLES)),
    "grants:sign_in": ("GET", (to("account_login"),) * len(ROLES)),
    "grants:round_detail": ("GET", EVERYONE),
    "grants:grants_awarded": ("GET", EVERYONE),
    # Grants: an organisation's registration (organisation A is registered; B has not started) and
    # applications (A's draft, and A's sent one for the receipt and PDF)
    "grants:home": ("GET", SUPPLIER_MEMBERS),
    "grants:registration_edit": ("GET", SUPPLIER_MEMBERS),
    "grants:registration_check": ("GET", (LOGIN, 200, 200, to("grants:registration_edit"), 403, 403, 403)),
    "grants:registration_accounts": ("GET", (LOGIN, 200, 200, 404, 404, 404, 200)),
    "grants:application_start": (
        "POST",
        (LOGIN, *[to("grants:application_eligibility")] * 2, to("grants:round_detail"), 403, 403, 403),
    ),
    "grants:application_detail": ("GET", ORGANISATION_A),
    "grants:application_eligibility": ("GET", ORGANISATION_A),
    "grants:application_answers": ("GET", ORGANISATION_A),
    "grants:application_budget": ("GET", ORGANISATION_A),
    "grants:application_copy": ("GET", ORGANISATION_A),  # starting from an earlier application
    "grants:application_earlier_answers": ("GET", ORGANISATION_A),  # the answer library, for one question
    "grants:application_check": ("GET", ORGANISATION_A),
    "grants:application_receipt": ("GET", ORGANISATION_A),
    "grants:application_pdf": ("GET", ORGANISATION_A),
    # Grants: the MoJ grants team decides registrations
    "grants:registration_queue": ("GET", MOJ_ADMIN_ONLY),
    "grants:registration_review": ("GET", MOJ_ADMIN_ONLY),
    # Grants: commissioners' rounds (a North East round is 404 to a commissioner of another region)
    "grants:commissioning": ("GET", COMMISSIONING),
    "grants:round_create": ("GET", COMMISSIONING),
    "grants:round_manage": ("GET", NORTH_EAST_STAFF),
    "grants:round_edit": ("GET", NORTH_EAST_STAFF),
    "grants:question_add": ("GET", NORTH_EAST_STAFF),
    "grants:question_remove": ("POST", north_east_staff_post("grants:round_manage", "questions")),
    "grants:eligibility_add": ("GET", NORTH_EAST_STAFF),
    "grants:criteria_edit": ("GET", NORTH_EAST_STAFF),
    "grants:round_preview": ("GET", NORTH_EAST_STAFF),
    "grants:round_publish": ("POST", north_east_staff_post("grants:round_manage")),
    "grants:round_amend": ("GET", NORTH_EAST_STAFF),
    # Amending the open North East round's questions (held until the amendment is made)
    "grants:amend_question_add": ("GET", NORTH_EAST_STAFF),
    "grants:amend_question_change": ("GET", NORTH_EAST_STAFF),
    "grants:amend_question_remove": ("POST", north_east_staff_post("grants:round_amend", "questions")),
    "grants:round_cancel": ("GET", NORTH_EAST_STAFF),
    "grants:round_applications": ("GET", NORTH_EAST_STAFF),
    # An application's answers: only an assessor who declared no conflict with it (carol, assessed round)
    "grants:round_application": ("GET", CLEARED_EVALUATOR),
    # Assessment of a closed North East round: carol is its cleared assessor and has decided its one
    # application (organisation A's); an MoJ admin who is not an assessor reads no application.
    "grants:assessment": ("GET", NORTH_EAST_STAFF),
    "grants:assessment_declare": ("GET", CLEARED_EVALUATOR),
    "grants:assessment_score": ("GET", CLEARED_EVALUATOR),
    "grants:assessment_moderate": ("GET", CLEARED_EVALUATOR),
    "grants:assessment_decide": ("GET", CLEARED_EVALUATOR),
    # Its outcome and offer, and the outcome letter: organisation A's people only
    "grants:application_outcome": ("GET", ORGANISATION_A),
    "grants:outcome_letter_pdf": ("GET", ORGANISATION_A),
    # Grants records are made by the services, never typed in the admin.
    "admin:grants_registration_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:grants_grantround_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    "admin:grants_grantapplication_add": ("GET", NOT_EVEN_MOJ_ADMINS),
    # Accounts (django-allauth)
    "account_login": ("GET", SIGNED_OUT_ONLY),
    "account_signup": ("GET", SIGNED_OUT_ONLY),
    "account_logout": ("GET", (to("portal:home"), 200, 200, 200, 200, 200, 200)),
    "account_inactive": ("GET", EVERYONE),
    "account_email_verification_sent": ("GET", EVERYONE),
    "account_confirm_email": ("GET", EVERYONE),
    "account_reset_password": ("GET", EVERYONE),
    "account_reset_password_done": ("GET", EVERYONE),
    "account_reset_password_from_key": ("GET", EVERYONE),
    "account_reset_password_from_key_done": ("GET", EVERYONE),
    "account_confirm_login_code": ("GET", MID_SIGN_IN),
    "account_change_password": ("GET", SIGNED_IN),
    "account_set_password": ("GET", (LOGIN, *[to("account_change_password")] * 6)),
    "account_email": ("GET", SIGNED_IN),
    "account_reauthenticate": ("GET", SIGNED_IN),
    "mfa_index": ("GET", SIGNED_IN),
    "mfa_authenticate": ("GET", MID_SIGN_IN),
    # Only people who use an authenticator app can be asked for a code again.
    "mfa_reauthenticate": ("GET", (LOGIN, *[to("account_reauthenticate")] * 3, 200, 200, 200)),
    "mfa_activate_totp": ("GET", CONFIRM_FIRST),
    "mfa_deactivate_totp": ("GET", (LOGIN, 404, 404, 404, CONFIRM, CONFIRM, CONFIRM)),
    # Nobody here has recovery codes yet: there is nothing to show.
    "mfa_view_recovery_codes": ("GET", (LOGIN, 404, 404, 404, 404, 404, 404)),
    "mfa_generate_recovery_codes": ("GET", CONFIRM_FIRST),
    "mfa_download_recovery_codes": ("GET", (LOGIN, 404, 404, 404, 404, 404, 404)),
}


def declared_url_names(patterns=None, namespace: str = "") -> dict[str, URLPattern]:
    names = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names.update(declared_url_names(entry.url_patterns, inner))
        elif entry.name:
            names[namespace + entry.name] = entry
    return names


DECLARED = declared_url_names()


def test_every_declared_url_has_a_row():
    missing = [name for name in DECLARED if name not in EXPECTED and not name.startswith("admin:")]
    assert not missing, f"Decide who may use these URLs and add them to EXPECTED: {missing}"
    stale = [name for name in EXPECTED if name not in DECLARED and not name.endswith(":*")]
    assert not stale, f"EXPECTED lists URLs that no longer exist: {stale}"


# Which of organisation A's applications each qualification URL is asked about.
DECIDED_APPLICATION_URLS = {
    "suppliers:application_detail",
    "suppliers:application_pdf",
    "suppliers:outcome_letter_pdf",
    "suppliers:submitted",
}
SUBMITTED_APPLICATION_URLS = {
    "suppliers:review_detail",
    "suppliers:category_outcome",
    "suppliers:exclusion_decision",
    "suppliers:application_decide",
    "suppliers:decision_extend",
}


def qualification_kwargs(organisation, user) -> dict:
    """A decided application (version 1), one waiting for review (2) and a draft (3), with a document."""
    admin = AdminFactory()
    decided = sq_factories.submitted_application(organisation, user)
    sq_factories.decide(decided, admin)
    waiting = sq_factories.submitted_application(organisation, user, categories=("accommodation", "women"))
    draft = sq_factories.complete_application(organisation, user, categories=("accommodation", "women"))
    choice = draft.category_choices.get(category__code="women")
    document = sq_services.supporting_document_add(
        category_choice=choice, user=user, uploaded_file=sq_factories.upload("a.pdf", sq_factories.PDF_BYTES)
    )
    return {
        "decided_pk": decided.pk,
        "submitted_pk": waiting.pk,
        "application_pk": draft.pk,
        "choice_pk": choice.pk,
        "waiting_choice_pk": waiting.category_choices.get(category__code="women").pk,
        "document_pk": document.pk,
        "section": "financial",
        "version": "1.0",
    }


# Which call-off URLs are asked about the published competition and notice (the others: the drafts).
PUBLISHED_CALLOFF_URLS = {
    "calloffs:competition_detail",
    "calloffs:competition_ics",
    "calloffs:notice_detail",
    "calloffs:question_ask",
    "calloffs:ocds_competition",
}
# Which are asked about the opened competition whose lot is awarded.
AWARD_URLS = {
    "calloffs:lot_award",
    "calloffs:lot_no_suitable_bidder",
    "calloffs:award_withdraw",
    "calloffs:contract_record",
    "calloffs:outcome_letter_pdf",
}


def calloff_kwargs(commissioner, supplier) -> dict:
    """A draft competition with a lot and a document and a draft notice (to manage), and a live
    competition and a published notice (to read), all in the North East; on the live competition, the
    supplier's organisation has asked a question and started a tender."""
    draft = calloff_factories.publishable_competition(commissioner)
    notice = notices.notice_save(user=commissioner, data=calloff_factories.notice_data())
    document = documents.document_add(
        user=commissioner,
        uploaded_file=sq_factories.upload("Specification.pdf", sq_factories.PDF_BYTES),
        competition=draft,
    )
    live = calloff_factories.live_competition(commissioner)
    question = clarifications.clarification_ask(
        competition=live, user=supplier, question="Is there a budget?"
    )
    started = started_tender(live.lots.get(), supplier.membership.organisation, supplier)
    return {
        "calloff_document_pk": document.pk,
        "competition_pk": draft.pk,
        "lot_pk": draft.lots.get().pk,
        "notice_pk": notice.pk,
        "live_competition_pk": live.pk,
        "published_notice_pk": calloff_factories.published_notice(commissioner).pk,
        "question_pk": question.pk,
        "started_tender_pk": started.pk,
    }


# Which call-off URLs are asked about the opened competition (with carol its evaluator, cleared to read
# organisation A's tender, which has a file).
EVALUATION_URLS = {
    "calloffs:evaluation",
    "calloffs:tenders_open",
    "calloffs:evaluators",
    "calloffs:evaluator_remove",
    "calloffs:declarations",
    "calloffs:evaluation_tender",
    "calloffs:evaluation_tender_file",
    "calloffs:scores",
    "calloffs:moderation",
    "calloffs:non_compliant",
    "calloffs:ranking",
}


def evaluation_kwargs(commissioner, organisation, user) -> dict:
    competition, (tender,) = evaluation_factories.closed_with_tenders(commissioner, [(organisation, user)])
    evaluation_factories.opened(commissioner, competition)
    evaluator = evaluation.evaluator_name(competition=competition, user=commissioner, person=commissioner)
    evaluation_factories.declare(commissioner, competition)
    tender_file = evaluation_factories.tender_file(tender)
    return {
        "opened_competition_pk": competition.pk,
        "opened_lot_pk": tender.lot_id,
        "evaluation_tender_pk": tender.pk,
        "evaluation_file_pk": tender_file.pk,
        "evaluator_pk": evaluator.pk,
    }


def tender_kwargs(organisation, admin, commissioner) -> dict:
    """Organisation A's tender for a lot it can bid for, complete and submitted, with its receipt PDF."""
    competition = tender_helpers.biddable_competition(commissioner)
    lot = competition.lots.get()
    tender = tender_helpers.complete(tender_services.tender_start(lot=lot, user=admin), admin)
    version = tender_services.tender_submit(tender=tender, user=admin)
    stored_pdfs.pdf_make(kind=tender_receipts.RECEIPT, object_id=version.pk)
    checklist = competition.checklist
    return {
        "tender_pk": tender.pk,
        "tender_lot_pk": lot.pk,
        "criterion_pk": competition.criteria.first().pk,
        "document_item_pk": checklist.get(standard_code="financial_model").pk,
        "signed_item_pk": checklist.get(standard_code="form_of_tender").pk,
        "file_pk": tender.files.first().pk,
        "tender_version": version.number,
    }


def award_kwargs(carol, organisation_a, organisation_b) -> dict:
    """An opened competition whose lot is awarded to organisation A's tender, with its outcome letter."""
    decidable = award_factories.decidable_lot(carol, organisation_a, organisation_b)
    award = award_services.award_lot(lot=decidable.lot, tender=decidable.best, user=carol)
    return {
        "awarded_competition_pk": decidable.competition.pk,
        "awarded_lot_pk": decidable.lot.pk,
        "awarded_tender_pk": decidable.best.pk,
        "letter_pk": award.letters.get(tender=decidable.best).pk,
    }


def supply_chain_kwargs(carol, organisation_a, organisation_b, alice) -> dict:
    """Organisation A's recorded contract (North East), a pending request to change a subcontractor and
    a sent yearly report."""
    contract = supply_chain_factories.recorded_contract(carol, organisation_a, organisation_b)
    change = supply_chain_services.change_request(
        contract=contract,
        user=alice,
        kind="end",
        reason="They are closing",
        subcontractor=contract.subcontractors.first(),
    )
    report = SupplyChainReport.objects.create(contract=contract, year=1)
    supply_chain_services.report_submit(report=report, user=alice, lines=[])
    return {
        "contract_pk": contract.pk,
        "change_pk": change.pk,
        "report_pk": report.pk,
        "decided_competition_pk": contract.award.lot.competition_id,
    }


def grants_kwargs(*, alice, bob, carol, ada) -> dict:
    """Organisation A registered for grants, with a draft application to an open round and a sent one
    to another; a registration waiting for a decision; a draft round (carol's, North East); a decided
    round with a grant to another organisation."""
    grants_factories.registered(alice, ada)
    waiting = grants_factories.sent_registration(MembershipFactory().user)
    open_round = grants_factories.open_round(carol)
    draft = grants_factories.ready_application(bob, open_round)
    sent_round = grants_factories.open_round(carol, title="Sent round")
    sent = grants_factories.submitted_application(alice, sent_round)
    decided_round = grant_awards.grant_round(
        carol, closes_at=timezone.now() - timedelta(days=60), status=GrantRound.Status.DECIDED
    )
    grant_awards.grant(decided_round, OrganisationFactory(), pounds=50_000)  # for the 360Giving open data
    assessed_round = grants_factories.open_round(carol, title="Assessed round")
    assessed = grants_factories.submitted_application(alice, assessed_round)
    grants_factories.closed_now(assessed_round)
    assessed.refresh_from_db()
    grants_factories.moderated(carol, assessed)
    grants_assessment.decide(user=carol, application=assessed, award=False, feedback="Not enough evidence.")
    return {
        "assessed_round_pk": assessed_round.pk,
        "assessed_application_pk": assessed.pk,
        "grant_round_pk": grants_factories.publishable_round(carol).pk,
        "open_round_pk": open_round.pk,
        "open_round_question_key": open_round.questions[0]["key"],
        "sent_round_pk": sent_round.pk,
        "grant_application_pk": draft.pk,
        "sent_application_pk": sent.pk,
        "registration_pk": alice.membership.organisation.grants_registration.pk,
        "waiting_registration_pk": waiting.pk,
    }


def build_world() -> dict:
    """The personas of tests/conftest.py, and the records the URLs ask about (`url_kwargs`)."""
    personas = make_personas()
    return {**personas, "url_kwargs": url_kwargs_for(**personas)}


def url_kwargs_for(*, organisation_a, organisation_b, alice, bob, carol, ada, **_) -> dict:
    with TestCase.captureOnCommitCallbacks(execute=True):
        invitation = services.invitation_create(
            organisation=organisation_a, invited_by=alice, email="new.colleague@alpha.example", as_admin=False
        )
    message = services.message_send(
        kind="test_notice",
        source="tests:welcome",
        context={"subject": "Welcome", "text": "Hello"},
        organisation=organisation_a,
    )
    token = mail.outbox[-1].body.split("/invitations/", 1)[1].split("/", 1)[0]
    return {
        "organisation_pk": organisation_a.pk,
        "membership_pk": bob.membership.pk,
        "invitation_pk": invitation.pk,
        "message_pk": message.pk,
        "delivery_pk": message.deliveries.first().pk,
        "token": token,
        "key": "not-a-real-key",
        "uidb36": "1",
        "unsubscribe_token": portal_alerts.unsubscribe_token(bob.pk),
        **qualification_kwargs(organisation_a, alice),
        **calloff_kwargs(carol, alice),
        **evaluation_kwargs(carol, organisation_a, alice),
        **tender_kwargs(organisation_a, alice, carol),
        **award_kwargs(carol, organisation_a, organisation_b),
        **supply_chain_kwargs(carol, organisation_a, organisation_b, alice),
        "slug": "qualified-by-region",  # a statistics figure
        "search_pk": partner_search_of(organisation_a, alice).pk,
        **grants_kwargs(alice=alice, bob=bob, carol=carol, ada=ada),
        **admin_only_rows(organisation_a),
        **accounts_of(organisation_a, alice),
    }


def accounts_of(organisation, admin) -> dict:
    """Organisation A's financial profile with its accounts file, made in the database: through the
    service, its drafts elsewhere in this world would follow it."""
    profile = FinancialProfile(
        organisation=organisation,
        year_end=timezone.localdate() - timedelta(days=30),
        income_pence=250_000_00,
        accounts_name="accounts.pdf",
        accounts_content_type="application/pdf",
        recorded_by=admin,
    )
    profile.accounts.save("accounts", ContentFile(b"%PDF-1.4 accounts"), save=False)
    profile.save()
    return {}


def admin_only_rows(organisation) -> dict:
    """Rows of the models registered in the admin that nothing above makes, so that their change pages
    are checked too."""
    Group.objects.create(name="Grants team")
    CyberReminder.objects.create(
        organisation=organisation, expiry_date=timezone.localdate(), level="Cyber Essentials"
    )
    return {}


def partner_search_of(organisation, admin) -> PartnerSearch:
    """Made in the database: organisation A's contact details are not public, which the service needs."""
    return PartnerSearch.objects.create(
        organisation=organisation,
        looking_for=PartnerSearch.LookingFor.SUBCONTRACTORS,
        category=organisation.qualifications.first().category,
        region=region("north-east"),
        created_by=admin,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), built_once(build_world) as built:
        yield built


@pytest.fixture
def url_kwargs(world, db):
    return world["url_kwargs"]


def _persona_from_world(name: str):
    @pytest.fixture(name=name)
    def persona(world, db):
        return world[name]

    return persona


# The personas of tests/conftest.py, taken from the world instead of being made again for each case.
for _name in ("organisation_a", "organisation_b", "alice", "bob", "bea", "carol", "colin", "ada"):
    globals()[_name] = _persona_from_world(_name)


def admin_urls_without_arguments() -> list[str]:
    return sorted(
        name
        for name, pattern in DECLARED.items()
        if name.startswith("admin:") and not pattern.pattern.regex.groups and name not in EXPECTED
    )


def _url(name: str, kwargs: dict) -> str:
    pattern = DECLARED[name]
    if name in DECIDED_APPLICATION_URLS:
        kwargs = {**kwargs, "application_pk": kwargs["decided_pk"]}
    if name in SUBMITTED_APPLICATION_URLS:
        kwargs = {
            **kwargs,
            "application_pk": kwargs["submitted_pk"],
            "choice_pk": kwargs["waiting_choice_pk"],
        }
    if name.startswith("calloffs:"):  # call-off documents are not the questionnaire's supporting documents
        kwargs = {**kwargs, "document_pk": kwargs["calloff_document_pk"]}
    if name in PUBLISHED_CALLOFF_URLS:
        kwargs = {
            **kwargs,
            "competition_pk": kwargs["live_competition_pk"],
            "notice_pk": kwargs["published_notice_pk"],
        }
    if name in EVALUATION_URLS:
        kwargs = {
            **kwargs,
            "competition_pk": kwargs["opened_competition_pk"],
            "lot_pk": kwargs["opened_lot_pk"],
            "tender_pk": kwargs["evaluation_tender_pk"],
            "file_pk": kwargs["evaluation_file_pk"],
        }
    if name.startswith("calloffs:tender_"):
        item = kwargs["signed_item_pk"] if name == "calloffs:tender_sign" else kwargs["document_item_pk"]
        kwargs = {
            **kwargs,
            "lot_pk": kwargs["tender_lot_pk"],
            "item_pk": item,
            "version": kwargs["tender_version"],
        }
    if name == "calloffs:tender_reconfirm":
        kwargs = {**kwargs, "tender_pk": kwargs["started_tender_pk"]}
    if name in AWARD_URLS:
        kwargs = {
            **kwargs,
            "competition_pk": kwargs["awarded_competition_pk"],
            "lot_pk": kwargs["awarded_lot_pk"],
            "tender_pk": kwargs["awarded_tender_pk"],
        }
    if name == "calloffs:integrity_competition":
        kwargs = {**kwargs, "competition_pk": kwargs["decided_competition_pk"]}
    if name == "suppliers:category_earlier_answers":  # a case study's long-text field
        kwargs = {**kwargs, "key": "case_studies-1-outcome"}
    if name.startswith("grants:"):
        kwargs = {**kwargs, **_grants_url_kwargs(name, kwargs)}
    wanted = {key: kwargs[key] for key in pattern.pattern.regex.groupindex}
    return reverse(name, kwargs=wanted)


def _grants_url_kwargs(name: str, kwargs: dict) -> dict:
    """Public pages and starting an application ask about the open round; the receipt, the PDF and the
    commissioner's view of an application about the sent one; assessment and outcome pages about the
    assessed (closed, decided) one; amending about the open one; the rest about the draft round and
    organisation A's draft application."""
    chosen = {"round_pk": kwargs["grant_round_pk"], "application_pk": kwargs["grant_application_pk"]}
    if name in {"grants:round_detail", "grants:application_start"}:
        chosen["round_pk"] = kwargs["open_round_pk"]
    if name.startswith("grants:amend_question_"):
        chosen = {"round_pk": kwargs["open_round_pk"], "key": kwargs["open_round_question_key"]}
    if name == "grants:application_earlier_answers":  # a long-text question of the draft's round
        chosen["key"] = kwargs["open_round_question_key"]
    if name == "grants:round_amend":  # only an open round can be amended: the others are refused
        chosen = {"round_pk": kwargs["open_round_pk"]}
    if name in {"grants:application_receipt", "grants:application_pdf"}:
        chosen = {"round_pk": kwargs["sent_round_pk"], "application_pk": kwargs["sent_application_pk"]}
    if name.startswith("grants:assessment") or name == "grants:round_application":
        chosen = {
            "round_pk": kwargs["assessed_round_pk"],
            "application_pk": kwargs["assessed_application_pk"],
        }
    if name in {"grants:application_outcome", "grants:outcome_letter_pdf"}:
        chosen["application_pk"] = kwargs["assessed_application_pk"]
    if name == "grants:registration_review":
        chosen["registration_pk"] = kwargs["waiting_registration_pk"]
    return chosen


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if not n.endswith(":*")))
def test_access(name, role, request, url_kwargs):
    method, answers = EXPECTED[name]
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONA[role]))
    url = _url(name, url_kwargs)
    response = client.post(url) if method == "POST" else client.get(url)
    assert_answer(response, answers[ROLES.index(role)], url, f"{role} {method} {url}")


def assert_answer(response, expected: int | Redirect, url: str, case: str) -> None:
    if isinstance(expected, Redirect):
        assert response.status_code == 302, case
        expected.check(response["Location"], url)
    else:
        assert response.status_code == expected, case


def test_every_redirect_says_where_it_sends():
    bare = [name for name, (_method, answers) in EXPECTED.items() if 302 in answers]
    assert not bare, f"Say where these send people (a Redirect, not 302): {bare}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_site(role, request, url_kwargs):
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONA[role]))
    expected = ADMIN_SITE[ROLES.index(role)]
    for name in admin_urls_without_arguments():
        if name == "admin:logout":
            continue  # signing out is a POST; a GET answers 405 to everyone
        response = client.get(reverse(name))
        assert_answer(response, expected, reverse(name), f"{role} GET {reverse(name)}")


def test_messages_are_scoped_to_the_recipient(bob, bea, url_kwargs):
    assert Message.objects.for_user(bob).filter(pk=url_kwargs["message_pk"]).exists()
    assert not Message.objects.for_user(bea).filter(pk=url_kwargs["message_pk"]).exists()


# The Django admin's model pages (issue 19 §7) ---------------------------------------------------------


def registered_admin_models() -> list:
    return sorted(django_admin.site._registry, key=lambda model: model._meta.label)


def admin_model_urls(model) -> list[str]:
    """The model's changelist and the change page of each of its first rows in the world."""
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{name}_changelist")]
    urls += [
        reverse(f"{name}_change", args=[pk])
        for pk in model._default_manager.order_by("pk").values_list("pk", flat=True)[:ADMIN_ROWS_READ]
    ]
    return urls


ADMIN_ROWS_READ = 3


def test_the_world_has_a_row_of_every_model_registered_in_the_admin(url_kwargs):
    empty = [model._meta.label for model in registered_admin_models() if not model._default_manager.exists()]
    assert not empty, f"Add a row of these to the world, so that their change pages are checked: {empty}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("model", registered_admin_models(), ids=lambda model: model._meta.label)
def test_admin_model_pages(model, role, request, url_kwargs):
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONA[role]))
    expected = ADMIN_SITE[ROLES.index(role)]
    for url in admin_model_urls(model):
        assert_answer(client.get(url), expected, url, f"{role} GET {url}")


SEALED = "Sealed words that no admin page may show"


def test_no_admin_page_shows_sealed_or_confidential_content(ada, url_kwargs):
    """Applications' answers and budgets, assessments and supply-chain reports, written with a marker,
    are found on no page of the admin an MoJ admin (who is no assessor) can open."""
    GrantApplication.objects.update(
        answers={"summary": SEALED},
        eligibility_answers={"eligible": SEALED},
        budget=[{"year": 1, "item": SEALED, "amount": "1,000"}],
    )
    GrantScore.objects.update(comment=SEALED)
    GrantModeratedScore.objects.update(rationale=SEALED)
    GrantConflictDeclaration.objects.update(details=SEALED)
    GrantDecision.objects.update(feedback=SEALED)
    report = SupplyChainReport.objects.filter(submitted_at__isnull=False).first()
    report.lines.create(name=SEALED, delivers=SEALED, amount_paid_pence=1, is_vcse=True, size_band="small")
    assert GrantApplication.objects.filter(status="submitted").exists() and GrantScore.objects.exists()
    client = Client()
    client.force_login(ada)
    for model in registered_admin_models():
        for url in admin_model_urls(model):
            response = client.get(url)
            assert response.status_code == 200, url
            assert SEALED not in response.content.decode(), url
    for application in GrantApplication.objects.all():
        page = client.get(reverse("admin:grants_grantapplication_change", args=[application.pk]))
        assert application.organisation.legal_name in page.content.decode()
        assert SEALED not in page.content.decode()


# Deciding a lot (issue 17 point 2): only a named evaluator who declared no conflict with every bidder
# decides. Carol is one; an MoJ admin who is not an evaluator, and carol once she has declared a conflict,
# are refused on the page (200, the refusal shown); colin gets 404; suppliers 403.
#                        anon member_a admin_a member_b comm comm_other moj_admin
DECIDE_LOT = (302, 403, 403, 403, 302, 404, 200)
DECIDE_LOT_CONFLICTED = (302, 403, 403, 403, 200, 404, 200)
DECISION_REFUSED = "declared no conflict with every bidder"


@pytest.mark.parametrize("conflicted", [False, True], ids=["cleared", "conflicted"])
@pytest.mark.parametrize("role", ROLES)
def test_deciding_a_lot_needs_a_cleared_evaluator(
    role, conflicted, request, carol, organisation_a, organisation_b
):
    from calloffs.models import Award, ConflictDeclaration

    decidable = award_factories.decidable_lot(carol, organisation_a, organisation_b)
    if conflicted:
        ConflictDeclaration.objects.filter(evaluator__user=carol, tender=decidable.second).update(
            has_conflict=True, details="A former employer"
        )
    client = Client()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(PERSONA[role]))
    url = reverse("calloffs:lot_no_suitable_bidder", args=[decidable.competition.pk, decidable.lot.pk])
    response = client.post(url)
    expected = (DECIDE_LOT_CONFLICTED if conflicted else DECIDE_LOT)[ROLES.index(role)]
    assert response.status_code == expected, f"{role} POST {url}"
    if expected == 200:
        assert DECISION_REFUSED in response.content.decode()
    assert Award.objects.filter(lot=decidable.lot).exists() == (expected == 302 and role == "commissioner")
