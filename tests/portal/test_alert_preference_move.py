"""Alerts moved from call-offs to the core (issue 17): the preferences keep their table and rows, the
links in e-mails already sent still unsubscribe, and grants no longer borrows call-offs' alerts or tasks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal import alerts
from portal.models import AlertPreference


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_preference_saved_in_calloffs_is_the_same_row_in_portal(alice):
    before = [("calloffs", "0005_supply_chain"), ("portal", "0007_delivery_headers")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        saved = old.get_model("calloffs", "AlertPreference").objects.create(
            user_id=alice.pk, frequency="daily"
        )
        category = old.get_model("portal", "ServiceCategory").objects.order_by("pk").first()
        saved.categories.add(category)
    finally:
        MigrationExecutor(connection).migrate(latest)

    preference = AlertPreference.objects.get(pk=saved.pk)
    assert (preference.user, preference.frequency) == (alice, AlertPreference.Frequency.DAILY)
    assert [c.pk for c in preference.categories.all()] == [category.pk]
    assert AlertPreference._meta.db_table == "calloffs_alertpreference"


@pytest.mark.django_db
def test_a_link_sent_before_the_move_still_unsubscribes(alice):
    """The token in e-mails already sent was signed with call-offs' salt: the same string, kept."""
    sent_before = signing.Signer(salt="calloffs.alerts.unsubscribe").sign_object(alice.pk)
    assert alerts.unsubscribe_token(alice.pk) == sent_before
    alerts.unsubscribe(token=sent_before)
    assert AlertPreference.objects.get(user=alice).frequency == AlertPreference.Frequency.NEVER


def test_grants_imports_neither_calloffs_alerts_nor_calloffs_tasks():
    grants = Path(settings.BASE_DIR) / "grants"
    offenders = []
    for path in grants.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            offenders += [
                f"{path.name}: {name}" for name in names if name in {"calloffs.alerts", "calloffs.tasks"}
            ]
    assert not offenders, offenders
