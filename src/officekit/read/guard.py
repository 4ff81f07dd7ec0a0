"""Reading a file in a guarded child process, so nothing one file does can stop the caller.

A dropped file is untrusted input to native code (calamine is Rust, lxml is C): a zip bomb or
a pathological sheet can exhaust memory, abort the process or run for minutes. So each file is
read and understood in a child process under limits — address space (``RLIMIT_AS``), CPU time
(``RLIMIT_CPU``) and wall time — and only plain data comes back. The caller (``validate``,
``ingest``, the watcher) stays small and alive whatever the child does:

- the child answers with the result, or a :class:`ReadOutcome` saying it ran out of memory
  (``MemoryError``) or raised;
- a child that dies (a signal: ``SIGABRT`` from a failed allocation in Rust, ``SIGXCPU`` at the
  CPU limit, ``SIGKILL`` from the OOM killer) or takes longer than the wall time is killed and
  replaced; the caller gets :class:`ReaderDied` or :class:`ReadOverLimit` and decides what it
  means (a rejection, or an attempt counted against the file).

The pool is kept warm: children are started once (forked, or spawned when the caller has
threads, like the watcher, which warms its pool at start) and serve file after file, so a
small file pays no start-up cost.
A caller that must stop (SIGTERM) passes ``stopping``: the child at work is killed within
:data:`POLL_SECONDS` and :class:`ReadInterrupted` is raised.

A task may ask the caller a question while it runs (:func:`ask_caller`): what validation
needs to know of the ledger, which stays in the caller. The caller answers through the
``answer`` it passed to :meth:`ReaderPool.run` — only the questions that function accepts.

Only POSIX has the resource limits; elsewhere the child runs without them (wall time and the
inflated-bytes checks of :mod:`officekit.read.detect` still apply).
"""

from __future__ import annotations

import atexit
import contextlib
import faulthandler
import gc
import importlib
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Generic, TypeVar

try:
    import resource
except ImportError:  # Windows: no rlimits
    resource = None  # type: ignore[assignment]

POLL_SECONDS = 0.2
MB = 1 << 20

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ChildLimits:
    """What one read may use: address space (MB), CPU and wall seconds (None: unlimited)."""

    memory_mb: int | None = 4096
    cpu_seconds: float | None = 300.0
    wall_seconds: float | None = 600.0


class ReadFailure(Exception):
    """The child did not return a result; ``limit`` or ``detail`` says why."""

    def __init__(self, detail: str, limit: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.limit = limit


class ReadOverLimit(ReadFailure):
    """The read exceeded a limit: ``limit`` is ``memory``, ``cpu`` or ``time``."""


class ReaderDied(ReadFailure):
    """The child died of something that is not a known limit (a signal, an exit)."""


class ReadInterrupted(Exception):
    """The caller asked to stop while a file was being read; the child was killed."""


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


def _address_space() -> int:
    """Bytes of address space this process has mapped now (Linux; elsewhere 0)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _set_limits(limits: ChildLimits) -> None:
    if resource is None:
        return
    inf = resource.RLIM_INFINITY
    if limits.memory_mb is not None:
        # on top of what the child holds already: a child forked from a large process
        # inherits its address space, which is not this file's to spend
        resource.setrlimit(resource.RLIMIT_AS, (_address_space() + limits.memory_mb * MB, inf))
    else:
        resource.setrlimit(resource.RLIMIT_AS, (inf, inf))
    if limits.cpu_seconds is not None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        used = usage.ru_utime + usage.ru_stime
        resource.setrlimit(resource.RLIMIT_CPU, (int(used + limits.cpu_seconds) + 1, inf))
    else:
        resource.setrlimit(resource.RLIMIT_CPU, (inf, inf))


def _die_with_parent() -> None:
    """Linux: have the kernel kill this child when its parent dies (a SIGKILLed watcher must
    not leave a reader working on a bomb)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _let_go_of_stdout() -> None:
    """Point this child's standard output at the null device: the caller's output is the
    caller's (answers come back through the pipe), and a child holding it open would keep a
    reader of that output (``officekit validate … | jq``) waiting for the child's end — a
    child let end by itself (ReaderPool.close without waiting) may take a while giving its
    memory back. Standard error stays: a reader that aborts says why there."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        os.dup2(null, 1)
    except OSError:
        pass
    finally:
        os.close(null)


def _import(*modules: str) -> None:
    for name in modules:
        importlib.import_module(name)


def _portable(exc: Exception) -> Exception:
    """``exc`` if it survives pickling, else a RuntimeError with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


_CALLER: Connection | None = None  # in a child: the pipe to the caller, for ask_caller


class AskRefused(Exception):
    """The caller would not answer a task's question (see :func:`ask_caller`)."""


def ask_caller(question: str, *args: Any) -> Any:
    """In a task run by :meth:`ReaderPool.run`: the caller's answer to ``question(*args)``
    (its ``answer`` function's result). Outside a child it raises :class:`AskRefused`."""
    if _CALLER is None:
        raise AskRefused(question)
    _CALLER.send(("ask", (question, args)))
    kind, value = _CALLER.recv()
    if kind != "answer":
        raise AskRefused(f"{question}: {value}")
    return value


# In a child: what the last task let go of, freed once its answer is sent (see release_later)
_LATER: list[Any] | None = None
# A child with nothing to do for this long tidies up after its last task
IDLE_SECONDS = 0.5
# In a child: the task asked for the child to end once its answer is sent (see end_after_answer)
_ENDING = False


def end_after_answer() -> bool:
    """In a task run by a child: have the child end once the answer is sent (work it started
    in a thread and no longer wants is dropped with it, not waited for); the pool starts a
    fresh child for the next task. True in a child; outside one nothing happens (False)."""
    global _ENDING
    if _CALLER is None:
        return False
    _ENDING = True
    return True


def release_later(*objects: Any) -> None:
    """In a task run by a child: keep ``objects`` until the answer is sent, and free them when
    the child is next idle or is given another task — never while the caller waits. A large
    sheet's cells are millions of objects, a tenth of a second to free; a one-shot command
    ends its child before that is ever done (an exiting process frees nothing one by one).
    Outside a child nothing is kept."""
    if _LATER is not None:
        _LATER.extend(objects)


def _tidy(collect: bool) -> None:
    """Free what the last task left (release_later); ``collect`` its cycles, if any."""
    if _LATER:
        _LATER.clear()
    gc.enable()
    if collect:
        gc.collect()


def _next_task(conn: Connection) -> Any:
    """The next message; once idle for IDLE_SECONDS, tidy up after the last task (freed and
    collected). A task arriving sooner has the last one's leftovers freed before it starts;
    the end (None) frees nothing: the child's memory goes with it."""
    if _LATER or not gc.isenabled():
        if not conn.poll(IDLE_SECONDS):
            _tidy(collect=True)
            return conn.recv()
        task = conn.recv()
        if task is not None:
            _tidy(collect=False)
        return task
    return conn.recv()


def _child_main(conn: Connection) -> None:
    """The child's loop: one task at a time, each under the limits it comes with.

    The cyclic collector is off while a task runs (its objects are rows and records, none
    in a cycle; a pass over a large sheet's millions would cost a tenth of a second) and
    runs once the child is idle again."""
    global _CALLER, _LATER
    _CALLER = conn
    _LATER = []
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent()
    _let_go_of_stdout()
    os.environ["RUST_BACKTRACE"] = "0"  # a reader that aborts says one line, not fifty
    faulthandler.disable()  # (pytest turns it on) an abort here is expected, not a crash
    while True:
        try:
            task = _next_task(conn)
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args, limits = task
        gc.disable()
        try:
            _set_limits(limits)
            result = fn(*args)
            answer: tuple[str, Any] = ("ok", result)
        except MemoryError:
            answer = ("memory", "MemoryError")
        except Exception as exc:  # sent back, for the caller to handle or raise
            answer = ("error", _portable(exc))
        result = None
        if _ENDING and answer[0] != "memory":
            answer = (f"{answer[0]}-end", answer[1])  # the caller keeps no child that ends
        try:
            if not _reply(conn, answer) or answer[0] == "memory" or _ENDING:
                return  # a heap that ran out (or work left running) is not worth keeping
        except OSError:
            return  # the caller is gone (killed): nobody to answer, nothing to print
        release_later(answer)
        del answer


def _reply(conn: Connection, answer: tuple[str, Any]) -> bool:
    """Send ``answer``; False when the child should end. OSError: the caller is gone."""
    try:
        conn.send(answer)
    except MemoryError:
        conn.send(("memory", "MemoryError (sending the result)"))
        return False
    except OSError:
        raise
    except Exception as exc:  # an exception that cannot be pickled: its text then
        conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    return True


def _context() -> multiprocessing.context.BaseContext:
    """How to start a child: a plain fork while this process has one thread (a one-shot
    command: instant, the reading stack already imported), else a fresh interpreter (forking a
    process with threads can inherit a lock held mid-way; and the shared fork server may have
    been started by another part of the program with its own preloads, which would count
    against this child's memory limit)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class _Child:
    def __init__(self, ctx: multiprocessing.context.BaseContext) -> None:
        parent, child = ctx.Pipe()
        self.conn: Connection = parent
        self.proc: BaseProcess = ctx.Process(  # type: ignore[attr-defined]
            target=_child_main, args=(child,), daemon=True, name="officekit-reader")
        self.proc.start()
        child.close()

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def close(self, wait: bool = True) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        if not wait:
            # it ends by itself (the end just sent; else the parent-death signal) and is not
            # waited for: neither here nor by multiprocessing's exit handler, which joins
            # every child it still knows of (and would wait out a large heap's teardown)
            children = getattr(multiprocessing.process, "_children", None)
            if isinstance(children, set):
                children.discard(self.proc)
            return
        self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


class Running(Generic[T]):
    """A call :meth:`ReaderPool.start` handed to a child: :meth:`result` waits for its answer
    (answering its questions), :meth:`cancel` kills the child if no result was taken."""

    def __init__(self, pool: ReaderPool, child: _Child, limits: ChildLimits,
                 stopping: Callable[[], bool] | None) -> None:
        self._pool, self._limits, self._stopping = pool, limits, stopping
        self._child: _Child | None = child

    def result(self, answer: Callable[..., Any] | None = None) -> T:
        """The call's result, or its exception re-raised; see :meth:`ReaderPool.run`."""
        child, self._child = self._child, None
        if child is None:
            raise RuntimeError("the result was taken already")
        keep: _Child | None = None
        try:
            outcome = self._pool._wait(child, self._limits, self._stopping, answer)
            if outcome[0] not in ("memory", "ok-end", "error-end"):  # -end: it is ending
                keep = child
        finally:
            if keep is None:
                child.kill()
            self._pool._give(keep)
        kind, value = outcome[0].removesuffix("-end"), outcome[1]
        if kind == "ok":
            return value  # type: ignore[no-any-return]
        if kind == "memory":
            raise ReadOverLimit(str(value), "memory")
        raise value

    def cancel(self) -> None:
        """Kill the child unless :meth:`result` was taken (then nothing happens)."""
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            self._pool._give(None)


class ReaderPool:
    """Warm child processes that run one function call each at a time, under limits.

    Thread-safe: each call takes an idle child (starting one if fewer than ``size`` run) and
    gives it back when done; a child that failed is replaced.
    """

    def __init__(self, size: int = 1) -> None:
        self.size = max(1, size)
        self._idle: list[_Child] = []
        self._busy = 0
        self._cond = threading.Condition()
        self._pid = os.getpid()

    def _new_child(self) -> _Child:
        return _Child(_context())

    def warm(self, preload: Sequence[str] = ()) -> None:
        """Start the children now and have them import ``preload`` (module names), so the
        first file waits for neither."""
        task = (_import, tuple(preload), ChildLimits(None, None, None))
        with self._cond:  # held throughout: no caller takes a child half-warmed
            while len(self._idle) + self._busy < self.size:
                self._idle.append(self._new_child())
            for i, child in enumerate(self._idle):
                try:
                    child.conn.send(task)
                    child.conn.recv()
                except (OSError, EOFError):
                    # it died while idle: the parent-death signal follows the *thread* that
                    # started it, so a child started by a thread that has ended is gone
                    child.kill()
                    self._idle[i] = fresh = self._new_child()
                    fresh.conn.send(task)
                    fresh.conn.recv()

    def _take(self) -> _Child:
        with self._cond:
            while not self._idle and self._busy >= self.size:
                self._cond.wait()
            self._busy += 1
            while self._idle:
                child = self._idle.pop()
                if child.proc.is_alive():
                    return child
                child.kill()
        try:
            return self._new_child()
        except BaseException:
            with self._cond:
                self._busy -= 1
                self._cond.notify()
            raise

    def _give(self, child: _Child | None) -> None:
        with self._cond:
            self._busy -= 1
            if child is not None:
                self._idle.append(child)
            self._cond.notify()

    def run(self, fn: Callable[..., T], *args: Any, limits: ChildLimits,
            stopping: Callable[[], bool] | None = None,
            answer: Callable[..., Any] | None = None) -> T:
        """``fn(*args)`` in a child under ``limits``; its result, or its exception re-raised.

        ``fn`` must be a module-level function and ``args`` picklable. ``answer(question,
        *args)`` answers what ``fn`` asks with :func:`ask_caller` (None: nothing is answered);
        it raises :class:`AskRefused` for a question it does not take. Raises
        :class:`ReadOverLimit`, :class:`ReaderDied` or :class:`ReadInterrupted` when the child
        gave no answer.
        """
        return self.start(fn, *args, limits=limits, stopping=stopping).result(answer)

    def start(self, fn: Callable[..., T], *args: Any, limits: ChildLimits,
              stopping: Callable[[], bool] | None = None) -> Running[T]:
        """Hand ``fn(*args)`` to a child now and return at once: the caller does its own work
        meanwhile and then waits in :meth:`Running.result` (see :meth:`run`)."""
        child = self._take()
        try:
            try:
                child.conn.send((fn, args, limits))
            except OSError:  # died idle since it was taken (see warm): a fresh one, once
                child.kill()
                child = self._new_child()
                child.conn.send((fn, args, limits))
        except BaseException:
            child.kill()
            self._give(None)
            raise
        return Running(self, child, limits, stopping)

    def _wait(self, child: _Child, limits: ChildLimits, stopping: Callable[[], bool] | None,
              answer: Callable[..., Any] | None) -> tuple[str, Any]:
        deadline = (time.monotonic() + limits.wall_seconds
                    if limits.wall_seconds is not None else None)
        while True:
            wait = POLL_SECONDS
            if deadline is not None:
                wait = min(wait, max(deadline - time.monotonic(), 0.0))
            try:
                ready = child.conn.poll(wait)
            except (OSError, EOFError):
                ready = True
            if ready:
                try:
                    message: tuple[str, Any] = child.conn.recv()
                except (EOFError, OSError):
                    raise self._death(child, limits) from None
                if message[0] != "ask":
                    return message
                self._answer(child, answer, *message[1])
                continue
            if stopping is not None and stopping():
                raise ReadInterrupted
            if not child.proc.is_alive():
                raise self._death(child, limits)
            if deadline is not None and time.monotonic() >= deadline:
                raise ReadOverLimit(f"wall time {limits.wall_seconds:g} s", "time")

    @staticmethod
    def _answer(child: _Child, answer: Callable[..., Any] | None, question: str,
                args: tuple[Any, ...]) -> None:
        """Answer a task's question (or refuse it: the task then raises AskRefused)."""
        try:
            if answer is None:
                raise AskRefused(question)
            reply: tuple[str, Any] = ("answer", answer(question, *args))
        except AskRefused as exc:
            reply = ("refused", str(exc))
        with contextlib.suppress(OSError):  # a child that died meanwhile is seen next poll
            child.conn.send(reply)

    @staticmethod
    def _death(child: _Child, limits: ChildLimits) -> ReadFailure:
        child.proc.join(5)
        code = child.proc.exitcode
        if code is not None and code < 0:
            if -code == getattr(signal, "SIGXCPU", -1):
                return ReadOverLimit(f"CPU time {limits.cpu_seconds:g} s", "cpu")
            return ReaderDied(_signal_name(-code))
        return ReaderDied(f"exit code {code}")

    def close(self, wait: bool = True) -> None:
        """Stop every idle child (busy ones are stopped by their callers). Without ``wait``
        each is told to end and left to it, not waited for — for a process that is about to
        exit and will start no other: a child that held a large file takes tens of
        milliseconds to give its memory back, which then overlaps this process's own end
        (the pool starts a fresh child if it is used again; the one let go stays unreaped
        until this process ends)."""
        if os.getpid() != self._pid:
            return  # a forked copy of the pool: its children are not ours
        with self._cond:
            idle, self._idle = self._idle, []
        for child in idle:
            child.close(wait)


_POOL: ReaderPool | None = None
_POOL_LOCK = threading.Lock()


def shared_pool() -> ReaderPool:
    """The process's reader pool (started on first use, closed at exit)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ReaderPool(1)
            atexit.register(_POOL.close)
        return _POOL
