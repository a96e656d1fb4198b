"""Fibre's own periodic jobs (scheduled in config/celery.py); the poll is a use case (usecases.tasks)."""

from celery import shared_task

from ispbill.core.jobs import job_progress


@shared_task(ignore_result=True)
def fibre_history_upkeep() -> dict:
    """Hourly: roll-ups, partitions ahead, retention (fibre.services.history_upkeep)."""
    from .services import history_upkeep

    done = history_upkeep()
    job_progress(processed=done["hours"])
    return done

