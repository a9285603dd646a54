"""Invitations and the text that reaches e-mail: single-line names, fixed subjects, no half changes."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from grants.models import Registration
from portal import emails, services
from portal.exceptions import RuleBroken
from portal.models import Invitation, Membership, Organisation
from suppliers.models import Qualification
from tests.factories import UserFactory
from tests.suppliers.factories import ApplicationFactory, category

pytestmark = pytest.mark.django_db


def invite(organisation, by, email="new@alpha.example", **kwargs):
    return services.invitation_create(
        organisation=organisation, invited_by=by, email=email, as_admin=False, **kwargs
    )


# Names are single-line ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Alpha\nClick here to claim your refund", "Alpha\r\nBcc: x@example.org"])
def test_the_services_refuse_a_name_with_a_line_break(alice, organisation_a, name):
    with pytest.raises(RuleBroken, match="on one line") as refused:
        services.organisation_update(user=alice, organisation=organisation_a, data={"legal_name": name})
    assert refused.value.field == "legal_name"
    organisation_a.refresh_from_db()
    assert organisation_a.legal_name == "Alpha Futures CIC"


def test_the_organisation_form_shows_a_line_break_as_an_error_and_keeps_the_text(
    client, alice, organisation_a
):
    client.force_login(alice)
    url = reverse("portal:organisation_edit", args=[organisation_a.pk])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["legal_name"] = "Alpha\nFutures"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Enter this on one line, without line breaks" in response.content.decode()
    assert "Alpha\nFutures" in response.content.decode()
    assert Organisation.objects.get(pk=organisation_a.pk).legal_name == "Alpha Futures CIC"


# An e-mail failure never leaves half a change --------------------------------------------------------


def test_an_organisation_name_with_a_line_break_stays_out_of_the_subject_and_the_invitation_is_sent(
    alice, organisation_a, django_capture_on_commit_callbacks
):
    # A name saved before names were checked: the invitation must still go, with its e-mail.
    Organisation.objects.filter(pk=organisation_a.pk).update(legal_name="Alpha\nYour account is locked")
    organisation_a.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(organisation_a, alice)

    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert [message.to for message in mail.outbox] == [["new@alpha.example"]]
    subject = "You are invited to join a team on the Probation Services Dynamic Framework"
    assert mail.outbox[0].subject == subject
    assert "Alpha" not in mail.outbox[0].subject


def test_an_e_mail_that_cannot_be_built_saves_no_invitation(alice, organisation_a):
    with (
        mock.patch.object(
            emails,
            "worded",
            return_value=emails.Worded(subject="Join\nBcc: everyone@example.org", html="<p>Hi</p>"),
        ),
        pytest.raises(ValueError),
    ):
        invite(organisation_a, alice)

    assert not Invitation.objects.exists()


def test_an_e_mail_that_cannot_be_rendered_saves_no_invitation(alice, organisation_a):
    with (
        mock.patch.object(emails, "worded", side_effect=RuntimeError("template broke")),
        pytest.raises(RuntimeError),
    ):
        invite(organisation_a, alice)

    assert not Invitation.objects.exists()


# The form says the same thing whatever the address ---------------------------------------------------


def test_inviting_someone_from_another_organisation_looks_the_same_as_inviting_a_stranger(
    client, alice, bea, organisation_a
):
    client.force_login(alice)
    url = reverse("portal:member_invite", args=[organisation_a.pk])

    answers = []
    for email in [bea.email, "stranger@example.org"]:
        response = client.post(url, {"email": email}, follow=True)
        page = response.content.decode().replace(email, "ADDRESS")
        answers.append((response.redirect_chain, response.status_code, "Invitation sent to ADDRESS" in page))

    assert answers[0] == answers[1]
    assert answers[0][2]


def test_someone_from_another_organisation_who_accepts_is_told_they_already_belong_to_one(
    alice, bea, organisation_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation_a, alice, email=bea.email)
    token = next(line for line in mail.outbox[-1].body.splitlines() if "/invitations/" in line)

    with pytest.raises(RuleBroken, match="already belongs to an organisation"):
        services.invitation_accept(token=token.rstrip("/").rsplit("/", 1)[-1], user=bea)


def test_inviting_someone_already_in_your_organisation_says_so(alice, bob, organisation_a):
    with pytest.raises(RuleBroken, match="already a member of your organisation"):
        invite(organisation_a, alice, email=bob.email.upper())


# Limits: the portal cannot be used to mail anyone again and again -------------------------------------


def registered_for_grants(organisation) -> None:
    Registration.objects.create(
        organisation=organisation, status=Registration.Status.ACCEPTED, accepted_at=timezone.now()
    )


def qualified(organisation) -> None:
    application = ApplicationFactory(organisation=organisation)
    Qualification.objects.create(
        organisation=organisation, category=category("accommodation"), granted_by=application
    )


@pytest.mark.parametrize("vet", [registered_for_grants, qualified])
def test_a_vetted_organisation_can_send_a_limited_number_of_invitations_a_day(alice, organisation_a, vet):
    vet(organisation_a)
    for number in range(services.INVITATIONS_PER_ORGANISATION):
        invite(organisation_a, alice, email=f"person{number}@example.org")

    with pytest.raises(RuleBroken, match=f"up to {services.INVITATIONS_PER_ORGANISATION} invitations"):
        invite(organisation_a, alice, email="one-more@example.org")
    assert Invitation.objects.count() == services.INVITATIONS_PER_ORGANISATION


def test_an_organisation_nobody_has_vetted_can_send_fewer(alice, organisation_a):
    assert services.INVITATIONS_PER_UNVETTED_ORGANISATION < services.INVITATIONS_PER_ORGANISATION
    for number in range(services.INVITATIONS_PER_UNVETTED_ORGANISATION):
        invite(organisation_a, alice, email=f"person{number}@example.org")

    with pytest.raises(
        RuleBroken,
        match=f"up to {services.INVITATIONS_PER_UNVETTED_ORGANISATION} invitations in 24 hours until it is "
        "qualified for the framework or registered for grants",
    ):
        invite(organisation_a, alice, email="one-more@example.org")
    assert Invitation.objects.count() == services.INVITATIONS_PER_UNVETTED_ORGANISATION


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("claim-your-refund.example", "claim-your-refund[.]example"),
        ("Visit https://evil.example/pay now", "Visit https[:]//evil[.]example/pay now"),
        ("pay\uff0eevil\uff0eexample", "pay[.]evil[.]example"),  # full-width dots
        ("help@evil.example", "help[at]evil[.]example"),
        ("St. Giles Trust", "St. Giles Trust"),
    ],
)
def test_the_invitation_names_the_organisation_only_as_quoted_unlinked_text(
    alice, organisation_a, django_capture_on_commit_callbacks, name, shown
):
    Organisation.objects.filter(pk=organisation_a.pk).update(legal_name=name)
    organisation_a.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation_a, alice)

    body = mail.outbox[-1].body
    assert f'organisation that calls itself "{shown}"' in body
    if shown != name:
        assert name not in body
    assert "so its name has not been checked" in body
    assert "If you do not know the sender" in body
    assert "do not open the link: ignore this e-mail" in body


def test_an_invitation_from_a_registered_organisation_does_not_say_it_is_unchecked(
    alice, organisation_a, django_capture_on_commit_callbacks
):
    registered_for_grants(organisation_a)
    with django_capture_on_commit_callbacks(execute=True):
        invite(organisation_a, alice)

    body = mail.outbox[-1].body
    assert 'calls itself "Alpha Futures CIC"' in body
    assert "has not been checked" not in body
    assert "If you do not know the sender" in body


def test_invite_cancel_and_invite_again_cannot_mail_one_address_again_and_again(
    alice, bea, organisation_a, organisation_b
):
    for _ in range(services.INVITATIONS_PER_ADDRESS - 1):
        services.invitation_cancel(
            invitation=invite(organisation_a, alice, email="target@example.org"), by=alice
        )
    invite(organisation_b, bea, email="target@example.org")  # another organisation's count for it too

    with pytest.raises(RuleBroken, match=f"up to {services.INVITATIONS_PER_ADDRESS} invitations"):
        invite(organisation_a, alice, email="Target@Example.org")


def test_invitations_older_than_a_day_do_not_count(alice, organisation_a):
    for _ in range(services.INVITATIONS_PER_ADDRESS):
        services.invitation_cancel(
            invitation=invite(organisation_a, alice, email="target@example.org"), by=alice
        )
    Invitation.objects.update(created_at=timezone.now() - services.INVITATION_LIMIT_WINDOW)

    assert invite(organisation_a, alice, email="target@example.org").pk


def test_the_limit_is_shown_as_an_error_on_the_form_keeping_the_address(client, alice, organisation_a):
    registered_for_grants(organisation_a)  # so that the address's limit comes before the organisation's
    for _ in range(services.INVITATIONS_PER_ADDRESS):
        services.invitation_cancel(
            invitation=invite(organisation_a, alice, email="target@example.org"), by=alice
        )
    client.force_login(alice)

    response = client.post(
        reverse("portal:member_invite", args=[organisation_a.pk]), {"email": "target@example.org"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert f"An address can be sent up to {services.INVITATIONS_PER_ADDRESS} invitations" in page
    assert 'value="target@example.org"' in page


def test_an_address_that_is_not_an_address_is_refused_by_the_service(alice, organisation_a):
    with pytest.raises(RuleBroken, match="correct format"):
        invite(organisation_a, alice, email="someone@example.org\nBcc: everyone@example.org")
    assert not Invitation.objects.exists()


# Simultaneous requests give one clear result ---------------------------------------------------------


def run_at_once(*calls):
    """Run the calls in threads released together; return "done" or the RuleBroken message for each."""
    barrier, results = threading.Barrier(len(calls)), []

    def run(call):
        try:
            barrier.wait()
            call()
            results.append("done")
        except RuleBroken as error:
            results.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks (PostgreSQL, as in CI)"
)


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_simultaneous_invitations_to_one_address_make_one_pending_invitation(alice, organisation_a):
    results = run_at_once(*[lambda: invite(organisation_a, alice, email="twin@example.org")] * 4)

    assert sorted(results) == ["You have already invited this person. The invitation is waiting."] * 3 + [
        "done"
    ]
    assert organisation_a.invitations.pending().filter(email="twin@example.org").count() == 1


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_accepting_two_organisations_invitations_at_once_joins_one_and_refuses_the_other(
    alice, bea, organisation_a, organisation_b
):
    newcomer = UserFactory(email="sought@example.org")
    tokens = []
    for organisation, admin in [(organisation_a, alice), (organisation_b, bea)]:
        invite(organisation, admin, email=newcomer.email)
        tokens.append(mail.outbox[-1].body.split("/invitations/", 1)[1].split("/", 1)[0])

    results = run_at_once(
        *[lambda token=token: services.invitation_accept(token=token, user=newcomer) for token in tokens]
    )

    assert sorted(results) == ["Your account already belongs to an organisation.", "done"]
    assert Membership.objects.filter(user=newcomer).count() == 1
