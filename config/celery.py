"""The Celery app and the one place every periodic job is declared."""

import os
import warnings
from datetime import timedelta

from celery import Celery
from celery.exceptions import SecurityWarning
from celery.schedules import crontab
from celery.signals import setup_logging, worker_process_init, worker_ready
from django.conf import settings

from ispbill.core.jobs import JOB_HEADER, TRIGGER_HEADER
from ispbill.core.runtime import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task's class records its runs in the job log (ispbill/core/jobs.py): no task records itself.
app = Celery("ispbill", task_cls="ispbill.core.jobs:RecordedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


if settings.DEBUG:
    # The demo (make run) often runs as root in a container or VM; production's image runs as an
    # unprivileged user (Dockerfile), where Celery's warning still applies.
    warnings.filterwarnings("ignore", message=".*superuser privileges", category=SecurityWarning)


@setup_logging.connect
def _keep_django_logging(**_kwargs) -> None:
    """Django's LOGGING (settings.py) is the configuration: Celery adds no handler of its own, so a
    record is written once, in the same format and time zone as the web process's."""
    import logging.config

    logging.config.dictConfig(settings.LOGGING)


@worker_process_init.connect
def _tune_worker_process(**_kwargs) -> None:
    tune_garbage_collector()


@worker_ready.connect
def _resume_stalled_work(sender=None, **_kwargs) -> None:
    """A worker that starts (after a crash, a deploy, a SIGKILL) resumes the billing runs left running:
    the messages a killed worker held come back from Redis only after the visibility timeout (an hour).
    Queued as a task, so it is on the jobs page; a broker that is down leaves it to the nightly run."""
    try:
        (sender.app if sender is not None else app).tasks["billing.tasks.billing_runs_resume_stalled"].delay()
    except Exception:  # noqa: BLE001 - a worker must start whatever the broker says
        import logging

        logging.getLogger(__name__).warning("could not queue the resumption of stalled billing runs", exc_info=True)
    # RADIUS_SERVERS changed since the routers in RADIUS mode were given it (a second FreeRADIUS added,
    # one moved or retired, and the processes restarted with the new setting): each router's set-up is
    # queued again (radius.services.radius_servers_follow; nothing when the fingerprint is the same).
    try:
        (sender.app if sender is not None else app).tasks["radius.tasks.follow_radius_servers"].delay()
    except Exception:  # noqa: BLE001 - a worker must start whatever the broker says
        import logging

        logging.getLogger(__name__).warning("could not queue the RADIUS servers check", exc_info=True)


# Times are local (CELERY_TIMEZONE = TIME_ZONE, Asia/Dhaka by default).
app.conf.beat_schedule = {
    # The billing run: invoices due, overdue marking, late fees, suspensions (billing/run.py).
    # Rented equipment's rent for the periods tonight's run invoices, as pending one-time charges the
    # run then writes onto the invoices (fieldservice/rentals.py); before the run.
    "fieldservice-rental-charges": {
        "task": "fieldservice.tasks.charge_equipment_rentals",
        "schedule": crontab(hour=2, minute=10),
    },
    "billing-daily-run": {
        "task": "usecases.tasks.billing_run_daily",
        "schedule": crontab(hour=2, minute=30),
    },
    # Deferred downgrades switch package (and router profile) on their day; the run also catches up.
    "billing-package-changes": {
        "task": "usecases.tasks.package_changes_apply_due",
        "schedule": crontab(hour=0, minute=5),
    },
    "housekeeping-expired-sessions": {
        "task": "ispbill.core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    "housekeeping-old-login-attempts": {
        "task": "ispbill.accounts.tasks.purge_old_login_attempts",
        "schedule": crontab(hour=3, minute=20),
    },
    # Failed deliveries whose backoff has passed, and queued messages the broker lost.
    "notify-retry-due-messages": {
        "task": "ispbill.notify.tasks.retry_due_messages",
        "schedule": crontab(minute="*"),
    },
    # Reminders NOTIFY_DUE_REMINDER_DAYS before invoices fall due; at most one per invoice.
    "notify-due-reminders": {
        "task": "billing.tasks.send_due_reminders",
        "schedule": crontab(hour=10, minute=0),
    },
    # Routers: the outbox safety net (wake-ups lost to a broker outage, back-offs that ran out), the
    # reconciler per router, and the health check per router.
    "network-drain-due-outboxes": {
        "task": "network.tasks.drain_due_outboxes",
        "schedule": 60.0,
    },
    # Speed windows (night speed): the edges just passed, one paced job per router (network/speed_boundary.py).
    "network-speed-edges": {
        "task": "network.tasks.start_speed_edges",
        "schedule": crontab(minute="*"),
    },
    "network-reconcile-routers": {
        "task": "network.tasks.reconcile_all_routers",
        "schedule": crontab(minute="*/15"),
    },
    # Tickets: record passed SLA deadlines as breaches, warn assignees and managers before they pass.
    "tickets-sla-check": {
        "task": "tickets.tasks.check_sla",
        "schedule": crontab(minute="*"),
    },
    "network-router-health": {
        "task": "network.tasks.check_all_routers_health",
        "schedule": 60.0,
    },
    # Outage broadcasts whose job was lost (broker down at commit): queued again, nobody told twice.
    "network-resume-outage-broadcasts": {
        "task": "network.tasks.resume_outage_broadcasts",
        "schedule": crontab(minute="*/5"),
    },
    # Referrals whose friend signed up but did not pay within Settings → Referrals' expiry.
    "customers-expire-referrals": {
        "task": "customers.tasks.expire_referrals",
        "schedule": crontab(hour=1, minute=15),
    },
    # The staff home's customer counts: the day's change rows folded into one per branch and status.
    "customers-tally-recount": {
        "task": "customers.tasks.customer_tally_recount",
        "schedule": crontab(hour=1, minute=20),
    },
    # Auto-pay from saved bKash wallets (usecases/autopay.py): after the billing run (02:30) has issued
    # the night's invoices, at an hour a customer may read the notice before the charge.
    "autopay-daily": {
        "task": "usecases.tasks.autopay_daily",
        "schedule": crontab(hour=9, minute=0),
    },
    # Online payments pending longer than SSLCOMMERZ_RECONCILE_AFTER_MINUTES are looked up through the
    # gateway's transaction query API (a lost IPN; bKash's payment/status: a callback that never came),
    # stale sessions closed, refunds polled until final.
    "payments-reconcile-online": {
        "task": "usecases.tasks.reconcile_online_payments",
        "schedule": crontab(minute="*/5"),
    },
    # Usage: each router's byte counters every USAGE_POLL_SECONDS (one task per router; FUP is
    # evaluated after each poll), and retention once a day.
    "network-poll-usage": {
        "task": "network.tasks.poll_all_routers_usage",
        "schedule": float(settings.USAGE_POLL_SECONDS),
    },
    # Fibre (docs/fibre.md): every OLT polled over SNMP every five minutes (one task per OLT: status,
    # optics, samples, then matching, outages and tickets), the history rolled up, partitioned and
    # trimmed every hour, and the week's worsening signals turned into work orders each morning.
    "fibre-poll": {
        "task": "usecases.tasks.fibre_poll_all",
        "schedule": crontab(minute="*/5"),
    },
    "fibre-history": {
        "task": "fibre.tasks.fibre_history_upkeep",
        "schedule": crontab(minute=7),
    },
    "fibre-signal-review": {
        "task": "usecases.tasks.fibre_signal_review",
        "schedule": crontab(hour=7, minute=30),
    },
    "network-purge-usage": {
        "task": "network.tasks.purge_usage",
        "schedule": crontab(hour=3, minute=40),
    },
    # RADIUS: sessions with no accounting for twice the interim interval are closed as stale (every
    # interval; nothing to do on SQLite, where RADIUS is refused).
    "radius-close-stale-sessions": {
        "task": "radius.tasks.close_stale_sessions",
        "schedule": float(settings.RADIUS_INTERIM_INTERVAL),
    },
    # RADIUS routers' usage comes from their accounting (API polling skips them), into the same
    # samples and roll-ups, as often as the polling.
    "radius-collect-usage": {
        "task": "radius.tasks.collect_accounting_usage",
        "schedule": float(settings.USAGE_POLL_SECONDS),
    },
    # Analytics (docs/metrics.md, "Snapshots"): yesterday's daily metric rows finalised, after midnight's
    # package changes; and today's rows rewritten every few minutes, so the dashboard's "figures so far
    # today" hold the 02:30 run's invoices and the day's payments (set-based; nothing on the payment path).
    "dashboard-snapshot-metrics": {
        "task": "dashboard.tasks.snapshot_metrics_nightly",
        "schedule": crontab(hour=1, minute=40),
    },
    "dashboard-snapshot-today": {
        "task": "dashboard.tasks.snapshot_metrics_today",
        "schedule": crontab(minute="*/5"),
    },
    # Contracts: signed ones activated on their start date, renewal reminders through notify,
    # renewal or expiry at the end of the term.
    "contracts-daily": {
        "task": "contracts.tasks.contracts_daily",
        "schedule": crontab(hour=9, minute=30),
    },
    # Retention offers (churn/offers.py): credit notes on what the 02:30 billing run invoiced, free
    # upgrades switched back, offers ended.
    "churn-retention-offers": {
        "task": "churn.retention_tasks.retention_offers_daily",
        "schedule": crontab(hour=3, minute=0),
    },
    # Commission resellers earn on advance credit when it pays an invoice: after the run has issued tonight's.
    "resellers-commission-catch-up": {
        "task": "resellers.tasks.catch_up_commissions",
        "schedule": crontab(hour=3, minute=5),
    },
    # Reseller renewals whose wallet debit committed but whose invoice and payment did not finish.
    "resellers-settle-pending-renewals": {
        "task": "usecases.tasks.settle_pending_renewals",
        "schedule": crontab(minute="*"),
    },
    # Churn (docs/churn.md): a new model version every Monday night from the history to date (it
    # scores everyone once trained), and the daily scores after the night's billing and snapshot.
    "churn-train-weekly": {
        "task": "churn.tasks.train_churn_model",
        "schedule": crontab(hour=4, minute=15, day_of_week=1),
    },
    "churn-score-daily": {
        "task": "churn.tasks.score_churn_risks",
        "schedule": crontab(hour=4, minute=45),
    },
    # Outgoing webhooks (api/webhooks.py): due deliveries handed to the `webhooks` queue, a batch at a time;
    # deliveries older than 30 days removed at night.
    "api-webhooks-pump": {
        "task": "api.tasks.webhooks_pump",
        "schedule": timedelta(seconds=settings.WEBHOOK_PUMP_SECONDS),
    },
    "api-webhooks-purge": {
        "task": "api.tasks.webhooks_purge",
        "schedule": crontab(hour=3, minute=40),
    },
    # The job log (docs/operations.md): periodic jobs with no successful run for twice their interval
    # (nightly: 26 hours) are flagged and staff told once; runs whose worker died are marked lost.
    "jobs-check-late": {
        "task": "dashboard.tasks.check_late_jobs",
        "schedule": crontab(minute="*/10"),
    },
    "housekeeping-job-log": {
        "task": "ispbill.core.tasks.purge_job_log",
        "schedule": crontab(hour=3, minute=25),
    },
    # Prepaid cards (docs/vouchers.md): unused cards past their batch's last day, and cards whose time ran
    # out, marked expired (logins refuse them already; this keeps the counts and the revenue on use true).
    "vouchers-expire-cards": {
        "task": "vouchers.tasks.expire_cards",
        "schedule": crontab(hour=0, minute=20),
    },
    # The regulator's RADIUS session log (docs/radius.md, "Session logs"): month partitions made three
    # months ahead, sessions closed three days ago moved out of radius_radacct, sessions past the
    # retention of Settings → Billing deleted (whole months dropped, the rest in batches).
    "radius-session-log": {
        "task": "usecases.tasks.session_log_maintain",
        "schedule": crontab(hour=3, minute=50),
    },
    # Gateway reconciliation (payments/reconciliation.py): yesterday's transactions at each gateway set
    # against ours. At 00:50: the day is over, and the 5-minute re-query above has had half an hour to
    # settle the day's last attempts (a callback lost at 23:58 is settled, not listed as a difference);
    # it moves no money, so no nightly figure depends on it, and it keeps its gateway calls (one per
    # attempt) clear of the 01:40 metric snapshot and the 02:30 billing run.
    "payments-reconcile-gateways": {
        "task": "usecases.tasks.reconcile_gateways_daily",
        "schedule": crontab(hour=0, minute=50),
    },
    # Gateway payments recorded in groups (payments/grouped.py): any left queued by a process
    # that died before its turn recorded within the minute; refusals kept a day for the retries.
    "payments-record-queued": {
        "task": "usecases.tasks.record_queued_payments",
        "schedule": timedelta(seconds=60),
    },
}

# Each entry's runs say they came from the schedule and which entry sent them (the job log's trigger
# and job name): added here once, so an entry added above needs nothing of its own.
for _name, _entry in app.conf.beat_schedule.items():
    _entry.setdefault("options", {}).setdefault("headers", {}).update({JOB_HEADER: _name, TRIGGER_HEADER: "schedule"})
