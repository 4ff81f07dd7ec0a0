"""The closed loop every day (SPEC §11, 督办): the due list, its workbook, the daily list the
watcher writes, and ``send --kind due``.

Above kpis/ (deadlines, working days) and deliver/ (department heads, SMTP), below the CLI and
the watcher, which call :func:`~officekit.loop.due.due_list`,
:func:`~officekit.loop.export.write_due_xlsx`, :class:`~officekit.loop.daily.DailyDue` and
:func:`~officekit.loop.send.send_due`.
"""
