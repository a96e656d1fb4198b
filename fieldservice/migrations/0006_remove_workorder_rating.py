"""The ratings now live in tickets' surveys (0005 copied them); a migration of its own, so that on
PostgreSQL the copy's updates are committed before these ALTER TABLEs."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('fieldservice', '0005_visit_ratings_are_surveys'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='workorder',
            name='wo_rating_1_to_5',
        ),
        migrations.RemoveField(
            model_name='workorder',
            name='rating',
        ),
        migrations.RemoveField(
            model_name='workorder',
            name='rating_comment',
        ),
    ]
