"""The inbox watcher (SPEC §9): ``officekit watch`` and ``officekit watch --once``.

:class:`Watcher` runs the loop (:mod:`.watcher`), its :class:`~officekit.watch.worker.Worker`
takes each file to its end (:mod:`.worker`); :func:`run_watch` is what the CLI calls;
:func:`~officekit.watch.renders.reports_renderer` is its default ``on_accepted``;
:func:`stuck_files` lists what needs a person for ``officekit status``;
:func:`~officekit.watch.audit.audit_workspace` checks that nothing was lost.

How it behaves, and why:

- **Which files.** Every visible file in the inbox and its visible subfolders, except editor
  and system files (:data:`~officekit.watch.settle.IGNORED`). A file that is not a workbook (a
  PDF, a text file) is taken too and *rejected* as ``not-a-workbook`` with an annotated copy,
  so whoever dropped it gets an answer and nothing lies in the inbox for ever. A dropped
  folder is emptied and then removed (once it has stayed empty for the grace time).
- **When.** Size and mtime unchanged over the settle time (two looks at least that far apart)
  and the file opens as a whole workbook. A file that never becomes whole is taken after the
  grace time (10 × settle, at least 1 s) without change — by our clock or its mtime — and is
  rejected as ``corrupt-file``.
- **Claim.** A rename into ``inbox/.processing/<owner>/<seq>/<name>`` (atomic: one watcher
  wins), then ``Ledger.claim`` by sha256 when the file is processed. Watchers hold a lock per
  owner there; the folders of dead owners are adopted and finished in place.
- **Ledger states.** ``claimed`` → ``accepted`` | ``rejected`` | ``duplicate``; ``seen`` and
  ``settled`` are tracked in memory only (a file still being written has no content identity).
  The archive destination is recorded before the file is moved, and the move is a hard link
  plus unlink, so every crash point is finished exactly once by the next start.
- **Failures.** An exception while processing a file (a program or machine fault; bad data is a
  rejection, not a failure) records the file ``failed`` with the error and retries it after
  ``rescan × attempt`` seconds, :data:`MAX_ATTEMPTS` tries in all; then it is moved to
  ``archive/failed/<month>/`` and the ledger keeps state ``failed``, the error and where.
- **Stopping.** SIGTERM / Ctrl-C finish the file at hand; files taken but not started go back
  to the inbox; ``--once`` renders before it exits.
- **Documents.** After accepted files, the periods they touched are rendered once no file has
  been accepted for the debounce time; the periods waiting survive a kill (``.officekit/watch/``).
  The log line of each file is written when it is finished; a separate line names the
  documents when they are rendered.
"""

from __future__ import annotations

from officekit.watch.status import stuck_files
from officekit.watch.watcher import Timings, Watcher, WatchSummary, run_watch
from officekit.watch.worker import MAX_ATTEMPTS, Outcome

__all__ = ["MAX_ATTEMPTS", "Outcome", "Timings", "WatchSummary", "Watcher", "run_watch",
           "stuck_files"]
