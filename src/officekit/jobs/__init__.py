"""The job queue of several machines (SPEC §12), kept in the ledger's own PostgreSQL database.

With ``[database] url`` on PostgreSQL and the ``distributed`` extra installed, the work goes
through procrastinate jobs: ``ingest`` (one claimed file: check, store, archive — the same
library calls as ``officekit ingest``), ``render`` (one period's documents, enqueued once by the
ingest that finishes last, so a burst of files renders each period once), ``due`` (the day's
due list: after files changed it, and a periodic job at ``[due] daily_at``) and ``send`` (one
e-mail to one address, from ``officekit send``). ``officekit worker`` takes jobs on any
machine; a worker killed mid-job is noticed by its missing heartbeat and its jobs are retried by
the others. With SQLite everything runs in-process as before. See :mod:`officekit.jobs.queue`.
"""
