"""Shared fixtures: the personas every access test uses.

Organisation A has an admin (alice) and a member (bob); organisation B has a member (bea). Carol
commissions in the North East; colin in London. Ada is an MoJ admin.
"""

import threading
from contextlib import contextmanager
from importlib import import_module
from unittest import mock
from uuid import uuid4

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from celery import current_task
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.handlers.base import BaseHandler
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections
from django.test import TestCase, TransactionTestCase, override_settings

from bench.servers import Clamd, ObjectStore
from tests.factories import AdminFactory, CommissionerFactory, MembershipFactory, OrganisationFactory, region

_serving = threading.local()


@pytest.fixture(scope="session", autouse=True)
def no_pdf_rendered_in_a_request():
    """No view ever renders a PDF (issue 20; portal.stored_pdfs): in every test, WeasyPrint called while
    a request is being served fails the test, unless it runs inside a Celery task (tasks run in-process
    in tests, on the commit of the change that queued them)."""
    from portal import pdf

    serve, weasyprint_html = BaseHandler.get_response, pdf.HTML

    def get_response(self, request):
        _serving.active = True
        try:
            return serve(self, request)
        finally:
            _serving.active = False

    def html(*args, **kwargs):
        if getattr(_serving, "active", False) and not current_task:
            raise AssertionError("a PDF was rendered in a request: render it in a task (portal.stored_pdfs)")
        return weasyprint_html(*args, **kwargs)

    with mock.patch.object(BaseHandler, "get_response", get_response), mock.patch.object(pdf, "HTML", html):
        yield


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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test databases (pytest-django's), with each transactional test starting from an empty
    database whatever the test before it left.

    Django empties the database when a transactional test ends, and trusts that at the next one's start:
    with serialized rollback it writes back the data saved when the database was made (content types
    included). But a transactional test without serialized rollback ends by making the content types
    again under new ids (its flush fires post_migrate), and a test that timed out, or a worker process it
    started that still writes, leaves rows behind: writing the saved data over them failed with a
    duplicate key, and the failed start, which is never cleaned up, broke every transactional test after
    it on that worker. So each one's start empties the database first (one TRUNCATE), then writes the
    saved data back, or (without serialized rollback) makes the content types and permissions again.
    tests/test_suite_machinery.py proves it."""
    original = TransactionTestCase._fixture_setup

    @classmethod
    def empty_then_set_up(cls):
        for alias in cls._databases_names(include_mirrors=False):
            restored = cls.serialized_rollback and hasattr(connections[alias], "_test_serialized_contents")
            # Sequences keep counting (as Django's own flush between tests does): the saved data written
            # back keeps its ids, and a sequence started again at 1 would give a new row one of them.
            call_command(
                "flush",
                verbosity=0,
                interactive=False,
                database=alias,
                inhibit_post_migrate=restored,
                reset_sequences=False,
            )
        original.__func__(cls)

    original_teardown = TransactionTestCase._fixture_teardown

    def tear_down_then_restore(self):
        """Django empties the database when a transactional test ends; the tests after it on this worker
        (pytest-xdist's work stealing can run an ordinary test after a transactional one) find the data
        that migrations create there again. With serialized rollback that emptying skips post_migrate,
        which leaves no content types while this process's cache still holds the old ones: an ordinary
        test after it then wrote an admin log row naming a content type that was gone. So they are made
        again (post_migrate, as `migrate` does) and the cache forgotten."""
        original_teardown(self)
        ContentType.objects.clear_cache()
        for alias in self._databases_names(include_mirrors=False):
            emit_post_migrate_signal(verbosity=0, interactive=False, db=alias)
        migrated_data_create()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_setup", empty_then_set_up)
        patch.setattr(TransactionTestCase, "_fixture_teardown", tear_down_then_restore)
        yield


# Data that migrations create: tests that empty the database between them (transactional tests and
# browser tests) get it back here, whatever order they run in.
DATA_MIGRATIONS = [
    ("portal.migrations.0003_reference_data", "create"),
    ("suppliers.migrations.0002_framework_agreement_1_0", "publish"),
]


@pytest.fixture(autouse=True)
def _migrated_data(request):
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        migrated_data_create()


def migrated_data_create() -> None:
    """What the data migrations create, again (each creates only what is missing)."""
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(apps, None)


# Files: the virus scanner and the object store (bench/servers.py) ---------------------------------

# The tests of documents and PDFs run twice: on the local disk and in the object store (S3).
BOTH_STORAGES = (
    "tests/suppliers/test_documents.py",
    "tests/suppliers/test_pdfs.py",
    "tests/calloffs/test_documents.py",
)


@pytest.fixture(scope="session", autouse=True)
def virus_scanner(tmp_path_factory):
    """clamd with the project's test signatures, for every test: every upload is scanned. Fails (never
    skips) when clamd is not installed."""
    clamd = Clamd(tmp_path_factory.mktemp("clamd"))
    with override_settings(VIRUS_SCAN=True, CLAMD_ADDRESS=clamd.address):
        yield clamd
    clamd.stop()


@pytest.fixture(scope="session")
def object_store():
    store = ObjectStore()
    yield store
    store.stop()


def pytest_generate_tests(metafunc):
    path = metafunc.definition.path.relative_to(metafunc.config.rootpath).as_posix()
    if path in BOTH_STORAGES and "file_storage" in metafunc.fixturenames:
        metafunc.parametrize("file_storage", ["disk", "object-store"], indirect=True)


@pytest.fixture(autouse=True)
def file_storage(request):
    """Where files are stored: the disk, or (for the tests in BOTH_STORAGES, a second time) a bucket of
    its own in the object store, as production configures it (OBJECT_STORE_* settings)."""
    kind = getattr(request, "param", "disk")
    if kind == "disk":
        yield kind
        return
    from portal.settings import object_store_storage  # once Django has read the tests' settings

    store = request.getfixturevalue("object_store")
    bucket = store.bucket(f"test-{uuid4().hex}")

    default = object_store_storage(store.environment(bucket))
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        yield kind
