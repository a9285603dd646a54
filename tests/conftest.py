"""Shared fixtures: the personas every access test uses.

Organisation A has an admin (alice) and a member (bob); organisation B has a member (bea). Carol
commissions in the North East; colin in London. Ada is an MoJ admin.
"""

from contextlib import contextmanager
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps
from django.test import TestCase

from tests.factories import AdminFactory, CommissionerFactory, MembershipFactory, OrganisationFactory, region


def _with_totp(user):
    """Staff cannot use the portal without an authenticator app; give persona staff one."""
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


# How each persona is made, once: the fixtures below make them for one test; tests that build a world
# once for many cases (tests/test_access_matrix.py) call `make_personas()`.
def make_organisation_a():
    return OrganisationFactory(legal_name="Alpha Futures CIC")


def make_organisation_b():
    return OrganisationFactory(legal_name="Beta Housing Trust")


def make_alice(organisation_a):
    return MembershipFactory(
        organisation=organisation_a, is_admin=True, user__email="alice@alpha.example"
    ).user


def make_bob(organisation_a):
    return MembershipFactory(organisation=organisation_a, user__email="bob@alpha.example").user


def make_bea(organisation_b):
    return MembershipFactory(organisation=organisation_b, is_admin=True, user__email="bea@beta.example").user


def make_carol():
    return _with_totp(CommissionerFactory(email="carol@justice.example", regions=[region("north-east")]))


def make_colin():
    return _with_totp(CommissionerFactory(email="colin@justice.example", regions=[region("london")]))


def make_ada():
    return _with_totp(AdminFactory(email="ada@justice.example"))


def make_personas() -> dict:
    """Every persona and both organisations, by fixture name."""
    organisation_a, organisation_b = make_organisation_a(), make_organisation_b()
    return {
        "organisation_a": organisation_a,
        "organisation_b": organisation_b,
        "alice": make_alice(organisation_a),
        "bob": make_bob(organisation_a),
        "bea": make_bea(organisation_b),
        "carol": make_carol(),
        "colin": make_colin(),
        "ada": make_ada(),
    }


@pytest.fixture
def organisation_a(db):
    return make_organisation_a()


@pytest.fixture
def organisation_b(db):
    return make_organisation_b()


@pytest.fixture
def alice(organisation_a):
    return make_alice(organisation_a)


@pytest.fixture
def bob(organisation_a):
    return make_bob(organisation_a)


@pytest.fixture
def bea(organisation_b):
    return make_bea(organisation_b)


@pytest.fixture
def carol(db):
    return make_carol()


@pytest.fixture
def colin(db):
    return make_colin()


@pytest.fixture
def ada(db):
    return make_ada()


@contextmanager
def built_once(build):
    """Data for many tests, made once: Django's `TestCase.setUpTestData`, for module- or class-scoped
    fixtures. What `build()` returns stays in the database until the block ends, when it is rolled back;
    each test that asks for `db` runs in a savepoint inside it, so what one test changes, the next never
    sees. Use it under `django_db_blocker.unblock()`."""

    class Once(TestCase):
        @classmethod
        def setUpTestData(cls):
            cls.built = build()

    Once.setUpClass()
    try:
        yield Once.built
    finally:
        Once.tearDownClass()
        Once.doClassCleanups()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; no test inherits another's."""
    from django.core.cache import cache

    cache.clear()
    yield


# Data that migrations create: tests that empty the database between them (transactional tests and
# browser tests) get it back here, whatever order they run in.
DATA_MIGRATIONS = [
    ("portal.migrations.0003_reference_data", "create"),
    ("suppliers.migrations.0002_framework_agreement_1_0", "publish"),
]


@pytest.fixture(autouse=True)
def _migrated_data(request):
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        for module, function in DATA_MIGRATIONS:
            getattr(import_module(module), function)(apps, None)
