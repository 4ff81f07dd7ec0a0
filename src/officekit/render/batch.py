"""Many documents from one template at once, spread over the CPUs when that pays."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any

from officekit.render.docprops import DocumentProperties
from officekit.render.engine import TemplateProblemsError, WordTemplate, compile_template

ContextSource = Mapping[str, Any] | Callable[[], Mapping[str, Any]]
Job = tuple[ContextSource, "str | Path"]
# Below this much estimated serial work, starting worker processes costs more than it saves
# (a plain evaluation report renders in ~2 ms). Workers forked from a one-shot command start in
# milliseconds with the template already compiled; forkserver workers (a process with threads,
# the watcher) import the renderer and compile the template first (~0.3-0.6 s).
POOL_THRESHOLD_SECONDS = 1.5
FORK_THRESHOLD_SECONDS = 0.25
_WORKER: WordTemplate | None = None
_WORKER_PROPERTIES: DocumentProperties | None = None
_INHERITED: WordTemplate | None = None  # set while a forked pool starts: its workers' template


def _init_worker(template_path: str, properties: DocumentProperties | None = None) -> None:
    global _WORKER, _WORKER_PROPERTIES
    if _INHERITED is not None and str(_INHERITED.path) == template_path:
        _WORKER = _INHERITED  # forked: compiled already, in the parent
    else:
        _WORKER = WordTemplate.compile(template_path)
    _WORKER_PROPERTIES = properties


def _render_chunk(jobs: list[tuple[ContextSource, str, bytes]]) -> list[str]:
    assert _WORKER is not None, "worker initializer did not run"
    for source, out, comment in jobs:
        _render_one(_WORKER, source, out, comment, _WORKER_PROPERTIES)
    return [out for _, out, _ in jobs]


def _render_one(template: WordTemplate, source: ContextSource, out: str | Path,
                comment: bytes = b"", properties: DocumentProperties | None = None) -> Path:
    context = source() if callable(source) else source
    try:
        return template.render(context, out, comment=comment, properties=properties)
    except TemplateProblemsError as exc:
        raise TemplateProblemsError(problems=exc.problems, key="error.template.render-failed",
                                    path=str(out), detail_zh=exc.text("zh"),
                                    detail_en=exc.text("en")) from exc


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
                properties: DocumentProperties | None = None) -> list[Path]:
    """Render many documents from one template; returns the output paths in job order.

    A job is ``(context, out_path)``; the context may also be a zero-argument callable that
    returns it (a module-level function or :func:`functools.partial`, so it pickles): the
    expensive part of a report — queries, matplotlib charts — then runs in the workers too.

    The template is compiled once here (a syntax error is reported before any work) and once
    per worker process by its initializer. ``workers`` defaults to the number of CPUs.
    ``parallel=None`` decides by cost: callables always go to the pool; plain contexts only
    when the first document's render time × the batch exceeds ``POOL_THRESHOLD_SECONDS``
    (for cheap documents the pool's start-up costs more than it saves). Every output is
    written atomically. ``on_done`` is called here with each finished path (progress).
    The first failure stops the batch and is raised, naming the document. ``comments`` maps
    an output path (as ``str``) to the zip comment its document gets; ``properties`` go into
    every document's File → Properties.
    """
    notes = comments or {}
    todo = [(source, str(out), notes.get(str(out), b"")) for source, out in jobs]
    template = compile_template(template_path)
    count = min(workers or os.cpu_count() or 1, len(todo))
    paths: list[Path] = []

    def serial(batch: list[tuple[ContextSource, str, bytes]]) -> None:
        for source, out, comment in batch:
            paths.append(_render_one(template, source, out, comment, properties))
            if on_done:
                on_done(paths[-1])

    pool_context = _pool_context()
    threshold = (FORK_THRESHOLD_SECONDS if pool_context.get_start_method() == "fork"
                 else POOL_THRESHOLD_SECONDS)
    if parallel is None:
        parallel = count > 1 and len(todo) > 1
        if parallel and not any(callable(source) for source, _, _ in todo):
            # the first document also pays for what is done once (lazy imports, the first
            # chart): when it alone says "pool", a second one is timed before deciding
            for _ in range(2):
                start = time.perf_counter()
                serial(todo[:1])
                elapsed = time.perf_counter() - start
                todo = todo[1:]
                parallel = elapsed * len(todo) > threshold
                if not parallel or len(todo) <= 1:
                    break
    if not parallel or count <= 1 or len(todo) <= 1:
        serial(todo)
        return paths
    paths.extend(_render_in_pool(template, todo, count, on_done, properties, pool_context))
    return paths


def _render_in_pool(template: WordTemplate, todo: list[tuple[ContextSource, str, bytes]],
                    count: int, on_done: Callable[[Path], None] | None,
                    properties: DocumentProperties | None, pool_context: Any) -> list[Path]:
    global _INHERITED
    size = max(1, min(16, len(todo) // (count * 4)))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    _INHERITED = template if pool_context.get_start_method() == "fork" else None
    try:
        return _run_pool(template, chunks, todo, count, on_done, properties, pool_context)
    finally:
        _INHERITED = None


def _run_pool(template: WordTemplate, chunks: list[list[tuple[ContextSource, str, bytes]]],
              todo: list[tuple[ContextSource, str, bytes]], count: int,
              on_done: Callable[[Path], None] | None, properties: DocumentProperties | None,
              pool_context: Any) -> list[Path]:
    with ProcessPoolExecutor(count, mp_context=pool_context, initializer=_init_worker,
                             initargs=(str(template.path), properties)) as pool:
        futures: list[Future[list[str]]] = [pool.submit(_render_chunk, c) for c in chunks]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_EXCEPTION)
            for future in done:
                failure = future.exception()
                if failure is not None:
                    for other in pending:
                        other.cancel()
                    raise failure
                if on_done:
                    for out in future.result():
                        on_done(Path(out))
    return [Path(out) for _, out, _ in todo]
