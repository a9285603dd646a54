"""Shared fixtures: the personas every access test uses.

Organisation A has an admin (alice) and a member (bob); organisation B has a member (bea). Carol
commissions in the North East; colin in London. Ada is an MoJ admin.
"""

from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.apps import apps

from tests.factories import AdminFactory, CommissionerFactory, MembershipFactory, OrganisationFactory, region


def _with_totp(user):
    """Staff cannot use the portal without an authenticator app; give persona staff one."""
    TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


@pytest.fixture
def organisation_a(db):
    return OrganisationFactory(legal_name="Alpha Futures CIC")


@pytest.fixture
def organisation_b(db):
    return OrganisationFactory(legal_name="Beta Housing Trust")


@pytest.fixture
def alice(organisation_a):
    return MembershipFactory(
        organisation=organisation_a, is_admin=True, user__email="alice@alpha.example"
    ).user


@pytest.fixture
def bob(organisation_a):
    return MembershipFactory(organisation=organisation_a, user__email="bob@alpha.example").user


@pytest.fixture
def bea(organisation_b):
    return MembershipFactory(organisation=organisation_b, is_admin=True, user__email="bea@beta.example").user


@pytest.fixture
def carol(db):
    return _with_totp(CommissionerFactory(email="carol@justice.example", regions=[region("north-east")]))


@pytest.fixture
def colin(db):
    return _with_totp(CommissionerFactory(email="colin@justice.example", regions=[region("london")]))


@pytest.fixture
def ada(db):
    return _with_totp(AdminFactory(email="ada@justice.example"))


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
