"""The test suite's own machinery: data built once for many tests, Redis per parallel worker, and time
limits that stretch on a busy machine."""

from types import SimpleNamespace

import pytest

from bench import patience as patience_module
from portal.models import Organisation
from tests.conftest import built_once, make_organisation_a
from tests.settings import redis_urls


@pytest.fixture(scope="module")
def organisation(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), built_once(make_organisation_a) as built:
        yield built


@pytest.mark.parametrize("turn", ["first", "second"])
def test_what_one_test_changes_in_data_built_once_the_next_never_sees(organisation, db, turn):
    assert Organisation.objects.get(pk=organisation.pk).legal_name == "Alpha Futures CIC"
    Organisation.objects.filter(pk=organisation.pk).update(legal_name="Changed by the " + turn)


def test_alone_the_tests_use_the_given_redis_database_for_celery_and_the_next_for_the_cache():
    assert redis_urls("redis://127.0.0.1:6379/4", "") == (
        "redis://127.0.0.1:6379/4",
        "redis://127.0.0.1:6379/5",
    )
    assert redis_urls("redis://127.0.0.1:6379", "") == (
        "redis://127.0.0.1:6379/0",
        "redis://127.0.0.1:6379/1",
    )


def test_parallel_workers_use_redis_databases_of_their_own():
    assert redis_urls("redis://127.0.0.1:6379/4", "gw0") == (
        "redis://127.0.0.1:6379/5",
        "redis://127.0.0.1:6379/6",
    )
    assert redis_urls("redis://127.0.0.1:6379/4", "gw1") == (
        "redis://127.0.0.1:6379/7",
        "redis://127.0.0.1:6379/8",
    )
    with pytest.raises(RuntimeError, match="fewer parallel workers"):
        redis_urls("redis://127.0.0.1:6379/4", "gw5")


def test_time_limits_stretch_with_how_busy_the_machine_is(monkeypatch):
    """bench/patience.py: a limit written for a quiet machine, on one four times as busy."""
    now = [100.0]
    monkeypatch.setattr(patience_module, "time", SimpleNamespace(monotonic=lambda: now[0]))
    monkeypatch.setenv("TIME_FACTOR", "4")
    assert patience_module.patience(30) == 120
    deadline = patience_module.Deadline(30)
    now[0] += 119
    assert not deadline.passed()
    now[0] += 2
    assert deadline.passed()


def test_a_quiet_machine_waits_the_limit_as_written(monkeypatch):
    monkeypatch.delenv("TIME_FACTOR", raising=False)
    monkeypatch.setattr(patience_module.os, "getloadavg", lambda: (0.5, 0.5, 0.5))
    assert patience_module.patience(30) == 30
