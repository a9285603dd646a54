"""Amending an open round's application questions from the commissioner's pages: the changes are held
until the amendment is made, then applied as one new version, and applicants are told what to check."""

from __future__ import annotations

from django.urls import reverse

from grants.models import GrantRound
from grants.services import applications, rounds
from portal.models import Message
from tests.grants import factories as f


def _question(label: str, kind: str = "text", **more: str) -> dict[str, str]:
    return {"label": label, "hint": "", "kind": kind, "required": "yes", **more}


def test_a_question_changed_one_added_and_one_removed_make_one_amendment(
    client, carol, alice, ada, django_capture_on_commit_callbacks
):
    f.registered(alice, ada)
    grant_round = f.open_round(carol)
    application = applications.application_start(user=alice, grant_round=grant_round)
    eligibility_key = grant_round.eligibility_questions[0]["key"]
    applications.application_eligibility_answer(
        user=alice, application=application, answers={eligibility_key: True}
    )
    first_label = grant_round.questions[0]["label"]
    first, second, third = (q["key"] for q in grant_round.questions)
    client.force_login(carol)

    change_url = reverse("grants:amend_question_change", args=[grant_round.pk, second])
    assert f'value="{grant_round.questions[1]["label"]}"' in client.get(change_url).content.decode()
    client.post(change_url, _question("How many women will you support each year?", "text"))
    client.post(
        reverse("grants:amend_question_add", args=[grant_round.pk]),
        _question("Who are your partners?", "long_text", word_limit="250"),
    )
    client.post(reverse("grants:amend_question_remove", args=[grant_round.pk, third]))

    page = client.get(reverse("grants:round_amend", args=[grant_round.pk])).content.decode()
    assert "Who are your partners?" in page and "Changed" in page
    grant_round.refresh_from_db()
    assert grant_round.version == 1, "nothing changes until the round is amended"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grants:round_amend", args=[grant_round.pk]), {"note": "Clearer questions."}
        )
    assert response.status_code == 302
    grant_round.refresh_from_db()
    assert grant_round.version == 2
    assert [q["label"] for q in grant_round.questions] == [
        first_label,
        "How many women will you support each year?",
        "Who are your partners?",
    ]
    assert grant_round.questions[0]["key"] == first
    assert third not in {q["key"] for q in grant_round.questions}
    added_key = grant_round.questions[2]["key"]
    assert added_key != third, "a new question never takes a removed question's answers"
    assert grant_round.amended_keys == [second, added_key]
    message = Message.objects.get(kind=rounds.ROUND_AMENDED)
    assert "Who are your partners?" in message.body

    client.force_login(alice)
    task_list = client.get(reverse("grants:application_detail", args=[application.pk])).content.decode()
    assert "Review your answers to: How many women will you support each year?; Who are your partners?" in (
        task_list
    )


def test_a_question_with_errors_keeps_what_was_typed(client, carol):
    grant_round = f.open_round(carol)
    client.force_login(carol)
    response = client.post(
        reverse("grants:amend_question_add", args=[grant_round.pk]),
        _question("Which age group?", "choice", choices="Only one"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Enter at least two choices, one a line" in body
    assert 'value="Which age group?"' in body and "Only one" in body
    assert len(client.get(reverse("grants:round_amend", args=[grant_round.pk])).context["question_rows"]) == 3


def test_an_amendment_without_a_note_keeps_the_question_changes(client, carol):
    grant_round = f.open_round(carol)
    client.force_login(carol)
    client.post(
        reverse("grants:amend_question_add", args=[grant_round.pk]), _question("Who are your partners?")
    )
    response = client.post(reverse("grants:round_amend", args=[grant_round.pk]), {"note": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Explain what changed, for applicants" in body and "Who are your partners?" in body
    grant_round.refresh_from_db()
    assert grant_round.version == 1 and len(grant_round.questions) == 3


def test_another_regions_commissioner_gets_404(client, carol, colin):
    grant_round = f.open_round(carol)
    key = grant_round.questions[0]["key"]
    client.force_login(colin)
    assert client.get(reverse("grants:amend_question_change", args=[grant_round.pk, key])).status_code == 404
    assert client.post(reverse("grants:amend_question_remove", args=[grant_round.pk, key])).status_code == 404
    assert client.get(reverse("grants:amend_question_add", args=[grant_round.pk])).status_code == 404


def test_a_closed_round_refuses_an_amendment(client, carol):
    grant_round = f.closed_now(f.open_round(carol))
    client.force_login(carol)
    response = client.post(
        reverse("grants:amend_question_add", args=[grant_round.pk]), _question("Who are your partners?")
    )
    assert response.status_code == 302
    response = client.post(
        reverse("grants:round_amend", args=[grant_round.pk]), {"note": "Too late."}, follow=True
    )
    assert "Only an open round can be amended." in response.content.decode()
    grant_round.refresh_from_db()
    assert grant_round.version == 1 and len(grant_round.questions) == 3
    assert GrantRound.objects.get(pk=grant_round.pk).amended_keys == []


def test_a_closed_rounds_amend_page_typed_in_is_refused_like_its_other_pages(client, carol):
    grant_round = f.closed_now(f.open_round(carol))
    client.force_login(carol)
    response = client.get(reverse("grants:round_amend", args=[grant_round.pk]))
    assert response.status_code == 302
    assert response.url == reverse("grants:round_manage", args=[grant_round.pk])
    page = client.get(response.url).content.decode()
    assert "Only an open round can be amended." in page and "Amend the round</a>" not in page
