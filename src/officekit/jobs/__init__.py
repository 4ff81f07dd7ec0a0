"""The job queue of several machines (SPEC §12), kept in the ledger's own PostgreSQL database.

With ``[database] url`` on PostgreSQL and the ``distributed`` extra installed, the work goes
through procrastinate jobs: ``ingest`` (one claimed file: check, store, archive — the same
library calls as ``officekit ingest``), ``render`` (one period's documents, debounced: one job
per period while one waits, run once no ingest is pending) and the daily due list (a periodic
job at ``[due] daily_at``). ``officekit worker`` takes jobs on any machine; a worker killed mid-
job is noticed by its missing heartbeat and its jobs are retried by the others. With SQLite
everything runs in-process as before. See :mod:`officekit.jobs.queue`.
"""
