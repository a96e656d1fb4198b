from django.core.management.base import BaseCommand
from django.db import connection, transaction

from ispbill.core.fields import encrypted_fields, fernet


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        multi = fernet()
        quote = connection.ops.quote_name
        for model, field in encrypted_fields():
            table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
            # Raw SQL on purpose: the ORM would hand back decrypted values, rotation needs the tokens.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> '' AND {column} IS NOT NULL")
                rows = cursor.fetchall()
                cursor.executemany(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                    [(multi.rotate(token.encode()).decode(), row_pk) for row_pk, token in rows],
                )
            self.stdout.write(f"{model._meta.label}.{field.name}: {len(rows)} values re-encrypted")
