"""Make the audit log append-only in the database itself.

PostgreSQL (production, CI) refuses every UPDATE and DELETE of a row. TRUNCATE stays possible for the
table's owner: it is how test runs empty the database between tests, and no code path of the portal uses
it. SQLite (the `make run` demo) refuses UPDATE only, since Django empties SQLite tables with DELETE.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION portal_auditevent_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER portal_auditevent_no_update BEFORE UPDATE OR DELETE ON portal_auditevent
    FOR EACH ROW EXECUTE FUNCTION portal_auditevent_refuse_change();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER portal_auditevent_no_update ON portal_auditevent;
DROP FUNCTION portal_auditevent_refuse_change();
"""
SQLITE_FORWARD = [
    """CREATE TRIGGER portal_auditevent_no_update BEFORE UPDATE ON portal_auditevent
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER portal_auditevent_no_update;",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [POSTGRES_FORWARD], "sqlite": SQLITE_FORWARD}.get(vendor)
    if statements is None:
        raise RuntimeError(f"No append-only triggers written for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [POSTGRES_BACKWARD], "sqlite": SQLITE_BACKWARD}[vendor]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
