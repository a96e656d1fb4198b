from django.core.management.base import BaseCommand

from ispbill.core.fields import encrypted_fields, fernet
from ispbill.core.statements import tokens_rotate


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        multi = fernet()
        for model, field in encrypted_fields():
            # Raw SQL on purpose (in ispbill/core/statements.py): the ORM would hand back decrypted values.
            count = tokens_rotate(model, field, multi.rotate)
            self.stdout.write(f"{model._meta.label}.{field.name}: {count} values re-encrypted")
