"""Many documents from one template at once, spread over the CPUs when that pays.

In a process that can fork (POSIX, one thread: a one-shot command) the helpers are forked
copies of this process (:func:`_render_forked`): they start in a few milliseconds with the
template compiled, the charts' skeletons made and every context already in memory — nothing is
pickled to them — and this process renders too. Documents are handed out one by one through a
pipe, so a helper slowed by other work on the machine takes fewer. Elsewhere (Windows, the
threaded watcher) a :class:`~concurrent.futures.ProcessPoolExecutor` of spawned or
fork-server workers, which import the renderer and compile the template first, takes batches
large enough to pay for that.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any

from officekit.errors import OfficekitError
from officekit.render.docprops import DocumentProperties
from officekit.render.engine import (
    TemplateProblemsError,
    WordTemplate,
    compile_template,
    write_atomic,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

ContextSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
Job = tuple[ContextSource, "str | Path"]
Batch = tuple["str | Path", Iterable[Job], "Mapping[str, bytes] | None"]
_Todo = tuple[WordTemplate, ContextSource, str, bytes]  # template, context, output, zip comment
_Finished = Callable[[str, bytes], None]  # a document written: its path and SHA-256
# Below this much estimated serial work, starting worker processes costs more than it saves
# (a plain evaluation report renders in ~1 ms). A forked helper costs ~5 ms to start and end;
# forkserver / spawned workers (a process with threads, Windows) import the renderer and compile
# the template first (~0.3-0.6 s).
POOL_THRESHOLD_SECONDS = 1.5
FORK_THRESHOLD_SECONDS = 0.05
_INDEX = struct.Struct("<I")  # a job's index in the pipes; _FAILED starts a failure record
_DONE = struct.Struct("<I32s")  # a finished job: its index and its file's SHA-256
_FAILED = 0xFFFFFFFF
_MAX_TOKENS = 1024  # 4 KiB of indices: fits the token pipe's buffer on every POSIX system
_WORKER: WordTemplate | None = None
_WORKER_PROPERTIES: DocumentProperties | None = None


def _init_worker(template_path: str, properties: DocumentProperties | None = None) -> None:
    global _WORKER, _WORKER_PROPERTIES
    _WORKER = WordTemplate.compile(template_path)
    _WORKER_PROPERTIES = properties


def _render_chunk(jobs: list[tuple[ContextSource, str, bytes]]) -> list[tuple[str, bytes]]:
    assert _WORKER is not None, "worker initializer did not run"
    return [(out, _render_one(_WORKER, source, out, comment, _WORKER_PROPERTIES))
            for source, out, comment in jobs]


def _render_one(template: WordTemplate, source: ContextSource, out: str | Path,
                comment: bytes = b"", properties: DocumentProperties | None = None) -> bytes:
    """Render one document to ``out`` (atomically); the SHA-256 of the file written."""
    context = source() if callable(source) else source
    try:
        data = template.render_bytes(context, comment=comment, properties=properties)
    except TemplateProblemsError as exc:
        raise TemplateProblemsError(problems=exc.problems, key="error.template.render-failed",
                                    path=str(out), detail_zh=exc.text("zh"),
                                    detail_en=exc.text("en")) from exc
    write_atomic(Path(out), data)
    return hashlib.sha256(data).digest()


def _pool_context() -> Any:
    """fork while this process has one thread (a one-shot command: the workers start at once
    with what is imported and compiled here); else forkserver where it exists (safe in a
    threaded watcher, cheap per worker), else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if sys.platform != "win32" and "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["officekit.render.batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def render_many(template_path: str | Path, jobs: Iterable[Job], workers: int | None = None,
                *, on_done: Callable[[Path], None] | None = None,
                parallel: bool | None = None,
                comments: Mapping[str, bytes] | None = None,
                properties: DocumentProperties | None = None,
                digests: dict[str, str] | None = None) -> list[Path]:
    """Render many documents from one template; returns the output paths in job order.

    A job is ``(context, out_path)``; the context may also be a zero-argument callable that
    returns it (a module-level function or :func:`functools.partial`, so it pickles): the
    expensive part of a report — queries, matplotlib charts — then runs in the workers too.

    The template is compiled once here (a syntax error is reported before any work) and once
    per worker process by its initializer (forked helpers have it already). ``workers``
    defaults to the number of CPUs. ``parallel=None`` decides by cost: callables always go to
    the workers; plain contexts only when a document's render time × the batch exceeds
    ``FORK_THRESHOLD_SECONDS`` (forked helpers) or ``POOL_THRESHOLD_SECONDS`` (a pool of
    spawned workers): for cheap documents starting them costs more than it saves. Every
    output is written atomically. ``on_done`` is called here with each finished path
    (progress). The first failure stops the batch and is raised, naming the document.
    ``comments`` maps an output path (as ``str``) to the zip comment its document gets;
    ``properties`` go into every document's File → Properties. ``digests`` receives each
    written file's SHA-256 (hex) by its output path (as ``str``): the manifest lists it
    without reading the file back.
    """
    return render_batches([(template_path, jobs, comments)], workers, on_done=on_done,
                          parallel=parallel, properties=properties, digests=digests)


def render_batches(batches: Iterable[Batch], workers: int | None = None, *,
                   on_done: Callable[[Path], None] | None = None,
                   parallel: bool | None = None,
                   properties: DocumentProperties | None = None,
                   digests: dict[str, str] | None = None) -> list[Path]:
    """:func:`render_many` for several templates at once: ``(template_path, jobs, comments)``
    each; the output paths in the order of the batches and their jobs.

    Every template is compiled before any document is rendered. Forked helpers take the
    documents of every template (one set of helpers for a whole report); pools of spawned
    workers serve one template each.
    """
    todo: list[_Todo] = []
    for template_path, jobs, comments in batches:
        template = compile_template(template_path)
        notes = comments or {}
        todo.extend((template, source, str(out), notes.get(str(out), b""))
                    for source, out in jobs)
    pool_context = _pool_context()
    written = digests if digests is not None else {}

    def finished(out: str, digest: bytes) -> None:
        written[out] = digest.hex()
        if on_done:
            on_done(Path(out))

    if pool_context.get_start_method() == "fork":
        _render(todo, workers, finished, parallel, properties, pool_context)
    else:
        for _, group in groupby(todo, key=lambda item: item[0]):
            _render(list(group), workers, finished, parallel, properties, pool_context)
    return [Path(out) for _, _, out, _ in todo]


def _render(todo: list[_Todo], workers: int | None, on_done: _Finished,
            parallel: bool | None, properties: DocumentProperties | None,
            pool_context: Any) -> None:
    count = min(workers or os.cpu_count() or 1, len(todo))

    def serial(batch: list[_Todo]) -> None:
        for template, source, out, comment in batch:
            on_done(out, _render_one(template, source, out, comment, properties))

    forked = pool_context.get_start_method() == "fork"
    threshold = FORK_THRESHOLD_SECONDS if forked else POOL_THRESHOLD_SECONDS
    if parallel is None:
        parallel = count > 1 and len(todo) > 1
        if parallel and not any(callable(source) for _, source, _, _ in todo):
            # the first document of each template pays for what is done once (lazy imports,
            # its charts' layouts): rendered here first (forked helpers find them done), then
            # one more is timed to decide
            firsts = set({id(item[0]): i for i, item in reversed(list(enumerate(todo)))}
                         .values())
            serial([item for i, item in enumerate(todo) if i in firsts])
            todo = [item for i, item in enumerate(todo) if i not in firsts]
            start = time.perf_counter()
            serial(todo[:1])
            todo = todo[1:]
            parallel = (time.perf_counter() - start) * len(todo) > threshold
    if not parallel or count <= 1 or len(todo) <= 1:
        serial(todo)
    elif forked:
        _render_forked(todo, count, on_done, properties)
    else:
        _render_in_pool(todo[0][0], [(source, out, comment) for _, source, out, comment in todo],
                        count, on_done, properties, pool_context)


def _render_forked(todo: list[_Todo], count: int, on_done: _Finished,
                   properties: DocumentProperties | None) -> None:
    """Render ``todo`` here and in ``count - 1`` forked copies of this process.

    The jobs' indices wait in a pipe (one token per job, or per run of jobs in a very large
    batch); each process takes the next until the pipe is empty. A helper writes the index of
    each document it finished, or a failure (pickled), to its own result pipe; this process
    reads them between its own documents (``on_done``) and at the end. The first failure
    stops the batch: the tokens left are taken away, the helpers finish the document they
    are on, and the failure of the earliest job is raised.
    """
    per = -(-len(todo) // _MAX_TOKENS)
    tokens_in, tokens_out = os.pipe()
    os.write(tokens_out, b"".join(_INDEX.pack(i) for i in range(0, len(todo), per)))
    os.close(tokens_out)  # the pipe ends (EOF) when every token is taken
    helpers: dict[int, int] = {}  # pid → its result pipe
    received: dict[int, bytearray] = {}
    failures: dict[int, BaseException] = {}
    finished: set[int] = set()

    def take() -> int | None:
        data = os.read(tokens_in, _INDEX.size)
        return _INDEX.unpack(data)[0] if data else None

    def stop() -> None:  # take every token left: the helpers find the pipe empty
        os.set_blocking(tokens_in, False)
        try:
            while os.read(tokens_in, 4096):
                pass
        except BlockingIOError:
            pass

    def collect(fd: int, *, wait: bool) -> None:
        os.set_blocking(fd, wait)
        buffer = received[fd]
        try:
            while data := os.read(fd, 65536):
                buffer += data
                if not wait:
                    break
        except BlockingIOError:
            pass
        while len(buffer) >= _INDEX.size:
            index = _INDEX.unpack_from(buffer)[0]
            if index != _FAILED:
                if len(buffer) < _DONE.size:
                    break
                _, digest = _DONE.unpack_from(buffer)
                del buffer[:_DONE.size]
                finished.add(index)
                on_done(todo[index][2], digest)
                continue
            if len(buffer) < 3 * _INDEX.size:
                break
            failed, size = struct.unpack_from("<II", buffer, _INDEX.size)
            if len(buffer) < 3 * _INDEX.size + size:
                break  # the rest of the record is still on its way
            head = 3 * _INDEX.size
            failures[failed] = pickle.loads(bytes(buffer[head:head + size]))
            del buffer[:head + size]
            stop()

    try:
        for _ in range(count - 1):
            results_in, results_out = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no more processes: this one renders what is left
                os.close(results_in)
                os.close(results_out)
                break
            if pid == 0:  # the helper: never returns
                os.close(results_in)
                for fd in helpers.values():
                    os.close(fd)
                _helper(todo, per, tokens_in, results_out, properties)
            os.close(results_out)
            helpers[pid] = results_in
            received[results_in] = bytearray()
        while not failures and (start := take()) is not None:
            for index in range(start, min(start + per, len(todo))):
                template, source, out, comment = todo[index]
                try:
                    digest = _render_one(template, source, out, comment, properties)
                except Exception as exc:
                    failures[index] = exc
                    stop()
                    break
                finished.add(index)
                on_done(out, digest)
            for fd in helpers.values():
                collect(fd, wait=False)
    finally:
        stop()
        for pid, fd in helpers.items():
            collect(fd, wait=True)
            os.close(fd)
            _, status = os.waitpid(pid, 0)
            if status and not failures and len(finished) < len(todo):
                missing = [out for i, (_, _, out, _) in enumerate(todo) if i not in finished]
                failures[len(todo)] = OfficekitError(
                    key="error.render.helper-ended", status=os.waitstatus_to_exitcode(status),
                    path=missing[0], count=len(missing))
        os.close(tokens_in)
    if failures:
        raise failures[min(failures)]


def _helper(todo: list[_Todo], per: int, tokens: int, results: int,
            properties: DocumentProperties | None) -> None:
    """A forked helper's whole life: render the jobs whose tokens it takes, then exit without
    running this process's clean-up (its database connections, files and atexit hooks are
    the parent's)."""
    status = 1
    try:
        while data := os.read(tokens, _INDEX.size):
            start = _INDEX.unpack(data)[0]
            for index in range(start, min(start + per, len(todo))):
                template, source, out, comment = todo[index]
                try:
                    digest = _render_one(template, source, out, comment, properties)
                except BaseException as exc:
                    _write_all(results, _failure_record(index, exc))
                    raise
                _write_all(results, _DONE.pack(index, digest))
        status = 0
    finally:
        os._exit(status)


def _failure_record(index: int, exc: BaseException) -> bytes:
    try:
        payload = pickle.dumps(exc)
    except Exception:  # an exception that does not pickle: its type and words
        payload = pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))
    return struct.pack("<III", _FAILED, index, len(payload)) + payload


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _render_in_pool(template: WordTemplate, todo: list[tuple[ContextSource, str, bytes]],
                    count: int, on_done: _Finished,
                    properties: DocumentProperties | None, pool_context: Any) -> list[Path]:
    size = max(1, min(16, len(todo) // (count * 4)))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    return _run_pool(template, chunks, todo, count, on_done, properties, pool_context)


def _run_pool(template: WordTemplate, chunks: list[list[tuple[ContextSource, str, bytes]]],
              todo: list[tuple[ContextSource, str, bytes]], count: int,
              on_done: _Finished, properties: DocumentProperties | None,
              pool_context: Any) -> list[Path]:
    from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(count, mp_context=pool_context, initializer=_init_worker,
                             initargs=(str(template.path), properties)) as pool:
        futures: list[Future[list[tuple[str, bytes]]]] = [pool.submit(_render_chunk, c)
                                                          for c in chunks]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                failure = future.exception()
                if failure is not None:
                    for other in pending:
                        other.cancel()
                    raise failure
                for out, digest in future.result():
                    on_done(out, digest)
    return [Path(out) for _, out, _ in todo]
