"""The journal on PostgreSQL: every INSERT statement into the lines leaves each entry it touched with
equal debits and credits (a statement-level trigger over the inserted rows: the posting functions
write all of an entry's lines in one statement, so no entry is ever seen half-written), and nothing
is updated or deleted (append-only: a correction is a new, reversing entry). docs/accounts.md."""

from django.db import migrations

from ispbill.core.migration_ops import postgresql_only

FORWARD = """
CREATE FUNCTION books_journal_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM books_new_lines GROUP BY entry_id HAVING SUM(debit) <> SUM(credit)) THEN
        RAISE EXCEPTION 'unbalanced journal entry: debits and credits differ' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER books_journalline_balanced AFTER INSERT ON books_journalline
    REFERENCING NEW TABLE AS books_new_lines FOR EACH STATEMENT EXECUTE FUNCTION books_journal_balanced();
CREATE FUNCTION books_journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the journal is append-only: post a reversing entry instead' USING ERRCODE = 'check_violation';
END $$;
CREATE TRIGGER books_journalline_append_only BEFORE UPDATE OR DELETE ON books_journalline
    FOR EACH STATEMENT EXECUTE FUNCTION books_journal_append_only();
CREATE TRIGGER books_journalentry_append_only BEFORE UPDATE OR DELETE ON books_journalentry
    FOR EACH STATEMENT EXECUTE FUNCTION books_journal_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS books_journalentry_append_only ON books_journalentry;
DROP TRIGGER IF EXISTS books_journalline_append_only ON books_journalline;
DROP TRIGGER IF EXISTS books_journalline_balanced ON books_journalline;
DROP FUNCTION IF EXISTS books_journal_append_only();
DROP FUNCTION IF EXISTS books_journal_balanced();
"""


class Migration(migrations.Migration):
    dependencies = [("books", "0001_initial")]

    operations = [postgresql_only(FORWARD, REVERSE)]
