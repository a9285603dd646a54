"""Pages with rows, without JavaScript: a commissioner with three criteria fills two, is refused because
the weightings add up to 70%, follows the refusal's link to the weighting, adds a third row with the
"Add another" button and saves all three (issue 19 §1)."""

import pytest
from django.urls import reverse

from tests.browser.conftest import sign_in_as
from tests.calloffs import factories as f

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_third_criterion_is_added_after_a_refused_save_without_javascript(
    no_script_page, audit_without_script, live_server, carol
):
    page = no_script_page
    competition = f.draft_competition(carol)
    sign_in_as(page.context, live_server, carol)
    page.goto(live_server.url + reverse("calloffs:criteria_edit", args=[competition.pk]))
    audit_without_script(page, "criteria form")
    page.fill("input[name=criteria-0-name]", "Quality")
    page.fill("input[name=criteria-0-weighting]", "60")
    page.fill("textarea[name=criteria-0-assessed]", "How you will find and keep homes")
    page.fill("input[name=criteria-1-name]", "Social value")
    page.fill("input[name=criteria-1-weighting]", "10")
    page.fill("textarea[name=criteria-1-assessed]", "What you add for the community")
    page.get_by_role("button", name="Save the criteria").click()

    summary = page.locator(".govuk-error-summary")
    link = summary.get_by_role("link", name="The weightings must add up to 100%: they add up to 70%")
    assert link.get_attribute("href") == "#id_criteria-0-weighting"
    assert page.locator("#id_criteria-0-weighting").count() == 1
    assert page.title().startswith("Error: ")
    audit_without_script(page, "criteria refused")
    assert not competition.criteria.exists()

    page.get_by_role("button", name="Add another criterion").click()
    assert page.input_value("input[name=criteria-0-weighting]") == "60"
    assert page.input_value("input[name=criteria-1-name]") == "Social value"
    assert page.input_value("input[name=criteria-2-name]") == ""
    assert page.locator(".govuk-error-summary").count() == 0
    audit_without_script(page, "criteria with another row")
    assert not competition.criteria.exists()

    page.fill("input[name=criteria-2-name]", "Price")
    page.fill("input[name=criteria-2-weighting]", "30")
    page.fill("textarea[name=criteria-2-assessed]", "Value for money")
    page.get_by_role("button", name="Save the criteria").click()
    assert "Evaluation criteria saved" in page.locator("main").inner_text()
    audit_without_script(page, "competition with three criteria")
    assert list(competition.criteria.values_list("name", "weighting")) == [
        ("Quality", 60),
        ("Social value", 10),
        ("Price", 30),
    ]
