"""Running the watcher at logon on Windows: a Task Scheduler task, as XML ``schtasks`` imports.

``officekit watch --task-xml FILE`` writes it for this workspace and this installation, and
prints the one command that registers it::

    schtasks /Create /TN "officekit watch" /XML FILE

What the XML says that the plain ``schtasks /SC ONLOGON`` form cannot: no time limit (the
default stops a task after 72 hours), start on battery too, restart a minute after a failure,
never a second copy, and a short delay after logon so a mapped network drive is there. It runs
``pythonw.exe -m officekit watch`` — no console window; what it does goes to
``.officekit\\logs\\watch.log``.
"""

from __future__ import annotations

import sys
from pathlib import Path, PureWindowsPath
from xml.sax.saxutils import escape

from officekit.i18n import t

TASK_NAME = "officekit watch"

_XML = """<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>{description}</Description>
    <URI>\\{name}</URI>
  </RegistrationInfo>
  <Triggers>
    <LogonTrigger>
      <Enabled>true</Enabled>
      <Delay>PT30S</Delay>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <IdleSettings>
      <StopOnIdleEnd>false</StopOnIdleEnd>
      <RestartOnIdle>false</RestartOnIdle>
    </IdleSettings>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{command}</Command>
      <Arguments>{arguments}</Arguments>
      <WorkingDirectory>{workdir}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def _quote(arg: str) -> str:
    """One command-line argument as Windows parses it (spaces and quotes survive)."""
    if arg and not any(c in arg for c in ' \t"'):
        return arg
    return '"' + arg.replace('"', '\\"') + '"'


def pythonw(python: str | Path = sys.executable) -> str:
    """The windowless interpreter beside ``python`` (``pythonw.exe`` next to ``python.exe``)."""
    path = PureWindowsPath(str(python))
    if path.name.lower() == "python.exe":
        return str(path.with_name("pythonw.exe"))
    return str(path)


def task_xml(workspace: Path | str, *, python: str | Path = sys.executable,
             poll: bool = False, name: str = TASK_NAME) -> str:
    """The Task Scheduler XML that runs ``officekit watch`` on ``workspace`` at logon."""
    args = ["-m", "officekit", "watch", "-w", str(workspace), "-q"] + (["--poll"] if poll else [])
    return _XML.format(
        description=escape(f"{t('task.description', 'zh', workspace=str(workspace))} / "
                           f"{t('task.description', 'en', workspace=str(workspace))}"),
        name=escape(name), command=escape(pythonw(python)),
        arguments=escape(" ".join(_quote(a) for a in args)), workdir=escape(str(workspace)))


def write_task_xml(dest: Path, workspace: Path | str, **kw: object) -> Path:
    """Write the XML as Task Scheduler's own exports are: UTF-16 with a byte-order mark."""
    text = task_xml(workspace, **kw)  # type: ignore[arg-type]
    dest.write_text(text.replace("\n", "\r\n"), encoding="utf-16", newline="")
    return dest
