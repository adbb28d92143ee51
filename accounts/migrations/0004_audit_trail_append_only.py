"""Defence in depth on PostgreSQL: the database rejects UPDATE and DELETE on the trail and signatures.

The application already refuses (accounts.models.trail); this stops a direct SQL session or a
bug that bypasses the ORM. Only on PostgreSQL: SQLite is the single-user development default.
TRUNCATE is left to privileges (the application role should not own the table), because test
runners empty tables with TRUNCATE; see docs/audit-trail.md.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_reject_change() RETURNS trigger AS $$
BEGIN
    -- An UPDATE that writes back exactly the stored values changes nothing; Django's test
    -- fixtures (serialized rollback) re-save rows that way. Anything else is refused.
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'append-only: % on % rejected', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_reject_change();
CREATE TRIGGER accounts_signature_append_only
    BEFORE UPDATE OR DELETE ON accounts_signature
    FOR EACH ROW EXECUTE FUNCTION accounts_reject_change();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP TRIGGER IF EXISTS accounts_signature_append_only ON accounts_signature;
DROP FUNCTION IF EXISTS accounts_reject_change();
"""


# auditlog's own table stays (its migrations have no `swappable` option) but is never written
# since AUDITLOG_LOGENTRY_MODEL points here. Its foreign keys to users and content types would
# block TRUNCATE of those tables (test flushes), so they go; the empty table stays for auditlog.
UNUSED_AUDITLOG_FKS = """
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conname FROM pg_constraint
             WHERE conrelid = 'auditlog_logentry'::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE auditlog_logentry DROP CONSTRAINT %I', c.conname);
    END LOOP;
END $$;
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: % is PL/pgSQL here

    return run


def create_head(apps, schema_editor):
    apps.get_model("accounts", "AuditChainHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_trail_and_signatures")]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(UNUSED_AUDITLOG_FKS), migrations.RunPython.noop),
    ]
