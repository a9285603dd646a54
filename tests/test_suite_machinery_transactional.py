"""The test suite's own machinery: each transactional test's clean start (tests/conftest.py,
`django_db_setup`). In a module of its own: a module-scoped fixture built once (tests/test_suite_machinery.py)
holds a transaction open that a transactional test must not run inside."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import TransactionTestCase

from portal.models import Organisation, User
from tests.conftest import make_organisation_a


def _transactional_case(*, serialized: bool) -> type[TransactionTestCase]:
    """The test case pytest-django makes for a transactional test, as the next test would get it."""
    return type("NextTest", (TransactionTestCase,), {"serialized_rollback": serialized})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("serialized", [True, False], ids=["serialized", "not-serialized"])
def test_a_transactional_test_sets_up_whatever_the_test_before_it_left(serialized):
    """A transactional test without serialized rollback ends with a flush that makes the content types
    again (post_migrate) under new ids; a test that timed out, or a worker it started that is still
    writing, leaves rows behind. Restoring the serialized data over that failed with `duplicate key
    value violates unique constraint "django_content_type_app_label_model…"`, and every transactional
    test after it on the same worker failed the same way. Each one now starts from an empty database."""
    call_command("flush", verbosity=0, interactive=False)  # what a non-serialized test's teardown does
    ContentType.objects.get_for_model(Organisation)
    make_organisation_a()  # what a test that never finished leaves

    _transactional_case(serialized=serialized)._pre_setup()

    assert not Organisation.objects.exists()
    assert ContentType.objects.filter(app_label="portal", model="organisation").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_serialized_transactional_test_the_content_types_are_there_and_the_cache_agrees():
    """Its teardown empties the database without post_migrate. An ordinary test after it on the same
    worker wrote an admin log row under the content type this process had cached, which was gone:
    `Key (content_type_id)=(143) is not present in table "django_content_type"`."""
    ContentType.objects.get_for_model(User)  # cached, as any earlier test leaves it
    _transactional_case(serialized=True)("run")._fixture_teardown()

    cached = ContentType.objects.get_for_model(User)
    assert ContentType.objects.filter(pk=cached.pk, app_label="portal", model="user").exists()
