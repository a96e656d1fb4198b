"""On PostgreSQL the database itself refuses to change signed evidence, as it does for the audit log:

- a signature row (the evidence) and a contract event (the hash chain) cannot be updated or deleted;
- a signed contract's text, document and document hash, signing time, customer and template
  cannot change (its status and end fields still move: active, renewed, terminated).

TRUNCATE (test teardown, a deliberate wipe) is not a row operation and still works.
"""

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION contracts_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'signed contract evidence is immutable (%% refused on %%)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contracts_signature_immutable BEFORE UPDATE OR DELETE ON contracts_signature
    FOR EACH ROW EXECUTE FUNCTION contracts_refuse_change();
CREATE TRIGGER contracts_event_immutable BEFORE UPDATE OR DELETE ON contracts_contractevent
    FOR EACH ROW EXECUTE FUNCTION contracts_refuse_change();

CREATE OR REPLACE FUNCTION contracts_contract_keep_signed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.signed_at IS NOT NULL THEN
            RAISE EXCEPTION 'a signed contract cannot be deleted' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.signed_at IS NOT NULL AND (
        NEW.body_text IS DISTINCT FROM OLD.body_text OR NEW.document IS DISTINCT FROM OLD.document
        OR NEW.document_sha256 IS DISTINCT FROM OLD.document_sha256 OR NEW.signed_at IS DISTINCT FROM OLD.signed_at
        OR NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.template_id IS DISTINCT FROM OLD.template_id
        OR NEW.number IS DISTINCT FROM OLD.number OR NEW.verify_code IS DISTINCT FROM OLD.verify_code
    ) THEN
        RAISE EXCEPTION 'a signed contract''s document cannot change' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contracts_contract_signed_immutable BEFORE UPDATE OR DELETE ON contracts_contract
    FOR EACH ROW EXECUTE FUNCTION contracts_contract_keep_signed();
"""
DROP = """
DROP TRIGGER IF EXISTS contracts_contract_signed_immutable ON contracts_contract;
DROP TRIGGER IF EXISTS contracts_event_immutable ON contracts_contractevent;
DROP TRIGGER IF EXISTS contracts_signature_immutable ON contracts_signature;
DROP FUNCTION IF EXISTS contracts_contract_keep_signed();
DROP FUNCTION IF EXISTS contracts_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_contracts_signatures_events")]

    operations = [postgresql_only(CREATE, DROP)]
