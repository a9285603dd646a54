"""The finder and the opportunity pages are served from the shared public-page cache to anonymous
visitors, and every change they show (publishing, amending, ending, an outcome) forgets them."""

import pytest
from django.urls import reverse

from calloffs.services import competitions, notices
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db

FINDER = reverse("calloffs:finder")


def test_the_finder_is_served_from_the_cache(client):
    assert client.get(FINDER)["X-Page-Cache"] == "miss"
    assert client.get(FINDER)["X-Page-Cache"] == "hit"


def test_publishing_a_competition_forgets_the_cached_finder(
    client, carol, django_capture_on_commit_callbacks
):
    competition = f.publishable_competition(carol, title="Mentoring for young adults")
    assert "Mentoring for young adults" not in client.get(FINDER).content.decode()
    assert client.get(FINDER)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_publish(competition=competition, user=carol)

    response = client.get(FINDER)
    assert response["X-Page-Cache"] == "miss"
    assert "Mentoring for young adults" in response.content.decode()


def test_publishing_a_notice_forgets_the_cached_finder(client, carol, django_capture_on_commit_callbacks):
    notice = notices.notice_save(user=carol, data=f.notice_data(title="Education from 2028"))
    client.get(FINDER)

    with django_capture_on_commit_callbacks(execute=True):
        notices.notice_publish(notice=notice, user=carol)

    assert "Education from 2028" in client.get(FINDER).content.decode()


def test_amending_and_withdrawing_forget_the_cached_competition_page(
    client, carol, django_capture_on_commit_callbacks
):
    competition = f.live_competition(carol)
    url = reverse("calloffs:competition_detail", args=[competition.pk])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_amend(
            competition=competition, user=carol, summary="The specification is clearer"
        )
    assert "The specification is clearer" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_cancel(
            competition=competition, user=carol, reason="The budget was withdrawn"
        )
    assert "The budget was withdrawn" in client.get(url).content.decode()


def test_the_finders_filter_form_is_rendered_once_for_each_choice_of_filters(monkeypatch):
    from crispy_forms.utils import render_crispy_form
    from django.http import QueryDict

    from calloffs.forms import public as public_forms
    from calloffs.forms.public import FinderFilterForm

    renders = []
    monkeypatch.setattr(
        public_forms, "render_crispy_form", lambda form: renders.append(1) or render_crispy_form(form)
    )
    chosen = QueryDict("kind=competition&closing=14&any_size=on")

    first = FinderFilterForm(chosen).rendered()
    assert FinderFilterForm(chosen).rendered() == first == render_crispy_form(FinderFilterForm(chosen))
    assert 'value="14" selected' in first
    assert len(renders) == 1
    FinderFilterForm(None).rendered()
    FinderFilterForm(QueryDict("closing=5")).rendered()  # an error: rendered each time, never stored
    FinderFilterForm(QueryDict("closing=5")).rendered()
    assert len(renders) == 4


def test_the_ocds_releases_are_computed_after_a_change_not_per_request(
    client, carol, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from calloffs import ocds

    releases = reverse("calloffs:ocds_releases")
    client.cookies["sessionid"] = "no-such-session"  # the page cache neither serves nor stores
    assert client.get(releases).json()["releases"] == []
    competition = f.publishable_competition(carol, title="Mentoring for young adults")

    with django_capture_on_commit_callbacks(execute=True):
        competitions.competition_publish(competition=competition, user=carol)

    with django_assert_max_num_queries(3):  # the page's number and the session: not the releases
        package = client.get(releases).json()
    assert [r["tender"]["title"] for r in package["releases"]] == ["Mentoring for young adults"]
    assert package == client.get(releases, {"page": "no-such-page"}).json()
    assert ocds.precompute() == 1
