from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_chart(sender, using="default", **kwargs):
    from .chart import chart_ensure

    chart_ensure(using=using)


class BooksConfig(AppConfig):
    name = "books"
    label = "books"
    verbose_name = "Books"

    def ready(self) -> None:
        # The fixed accounts of the chart must exist in a new database and after a test flush, before
        # the ledger posts the first journal entry (docs/accounts.md).
        post_migrate.connect(_ensure_chart, sender=self, dispatch_uid="books.ensure_chart")
