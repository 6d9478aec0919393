"""Running one untrusted submission: its own folder, limits, and no way to write outside
that folder or start processes.

Each submission runs in a process forked from a warm fork server (``underwatch.preload`` has
already imported IPython, NumPy, matplotlib and the labs), so a submission costs its own
cells and little else. In that process the notebook's code cells run one by one in an
IPython shell, under a per-cell time limit, a memory cap and an audit hook. The process
reports only the answers, as JSON, through a pipe: it judges nothing. The grader reads
the report with a deadline and kills the process when the deadline passes.
"""
from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import os
import resource
import select
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DENIED = "survlab-sandbox denied"
OUTPUT_LIMIT_BYTES = 20_000_000  # printed output past this is counted, not kept
REPORT_LIMIT_BYTES = 10_000_000  # a report larger than this is not read

# Run before the submission's first cell. An audit hook cannot be removed once added
# (PEP 578), so later cells cannot switch it off from Python.
PRELUDE = r'''
import os as _os, sys as _sys
def _survlab_guard(root=_os.path.realpath(_os.getcwd())):
    _write_flags = _os.O_WRONLY | _os.O_RDWR | _os.O_CREAT | _os.O_APPEND | _os.O_TRUNC
    _path_events = {"os.remove", "os.rename", "os.replace", "os.rmdir", "os.mkdir", "os.symlink",
                    "os.link", "os.truncate", "os.chmod", "os.chown", "shutil.rmtree", "shutil.move",
                    "os.utime"}
    _process_events = {"subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn",
                       "os.fork", "os.forkpty", "pty.spawn", "os.kill", "os.killpg"}
    def inside(path):
        if isinstance(path, int):
            return True
        full = _os.path.realpath(_os.fsdecode(path))
        return full == root or full.startswith(root + _os.sep) or full in ("/dev/null", "/dev/urandom")
    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _write_flags)
            if writing and not inside(path):
                raise PermissionError(f"%s: write outside the submission folder: {path}")
        elif event in _path_events:
            for path in args[:2]:
                if isinstance(path, (str, bytes, _os.PathLike)) and not inside(path):
                    raise PermissionError(f"%s: {event} outside the submission folder: {path}")
        elif event in _process_events:
            raise PermissionError(f"%s: starting processes ({event}) is not allowed")
    _sys.addaudithook(hook)
_survlab_guard()
del _survlab_guard
''' % (DENIED, DENIED, DENIED)


class CellTimeoutError(BaseException):
    """Raised in a cell that runs past its time limit (BaseException: `except Exception` in
    the cell does not swallow it)."""


@dataclass
class Outcome:
    """What the grader learns about one run: the child's report, or why there is none."""
    report: dict | None
    problem: str = ""  # "timeout", "crashed" or "unreadable" when report is None
    exitcode: int | None = None


def hard_limit(timeout: int) -> int:
    """Seconds a whole submission may take before its process is killed (a cell that catches
    its own time limit keeps running until then)."""
    return timeout * 2 + 10


def limit_memory(megabytes: int) -> None:
    """Cap this process's data segment (heap and anonymous maps); children inherit the cap."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def folder_variables(folder: Path) -> dict[str, str]:
    """Environment variables that keep every cache and temporary file inside ``folder``."""
    (folder / "tmp").mkdir(exist_ok=True)
    return {"HOME": str(folder), "TMPDIR": str(folder / "tmp"), "IPYTHONDIR": str(folder / ".ipython"),
            "MPLCONFIGDIR": str(folder / ".matplotlib")}


class _CountingSink(io.TextIOBase):
    """Stands in for stdout and stderr: counts what a submission prints and keeps none of it."""

    def __init__(self, limit: int):
        self.limit, self.written = limit, 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        self.written += len(text)
        return len(text)

    @property
    def truncated(self) -> bool:
        return self.written > self.limit


def _describe(err: BaseException) -> dict[str, str]:
    try:  # a submission's own exception class may fail to print
        evalue = str(err)[:500]
    except BaseException:
        evalue = "(the error could not be printed)"
    return {"ename": type(err).__name__, "evalue": evalue}


def _on_alarm(signum, frame):
    raise CellTimeoutError("the cell ran past its time limit")


def _run_cells(notebook: str, lab_id: str, timeout: int, memory_mb: int) -> dict:
    """In the forked child, inside the submission folder: run every code cell, read the answers."""
    import matplotlib.pyplot as plt
    import nbformat
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    from survlab import checks, labs

    lab = labs.get(lab_id)
    collect = checks.collect_answers  # taken before any student code can replace it
    nb = nbformat.read(notebook, as_version=4)
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell(config=config, ipython_dir=os.environ["IPYTHONDIR"])
    sink = _CountingSink(OUTPUT_LIMIT_BYTES)
    sys.stdout = sys.stderr = sink
    limit_memory(memory_mb)
    exec(PRELUDE, {})
    signal.signal(signal.SIGALRM, _on_alarm)
    errors = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failure = None
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            result = shell.run_cell(cell.source, silent=True)
            failure = result.error_before_exec or result.error_in_exec
        except CellTimeoutError as err:  # the alarm fired outside the cell's own code
            failure = err
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        plt.close("all")  # as Jupyter's inline backend does after every cell
        if failure is not None:
            errors.append({"index": index, **_describe(failure)})
    signal.setitimer(signal.ITIMER_REAL, timeout)  # reading answers may call the submission's code
    answers = collect(lab, shell.user_ns)
    signal.setitimer(signal.ITIMER_REAL, 0)
    return {"answers": answers, "errors": errors, "output_truncated": sink.truncated}


def run_submission(notebook: str, folder: str, lab_id: str, timeout: int, memory_mb: int, conn) -> None:
    """Entry point of the forked child: write one JSON report to ``conn`` and exit."""
    os.setsid()  # its own process group, so the grader can kill whatever it leaves behind
    fd = conn.fileno()
    # Keep only the report pipe: the fork server's own pipes must be out of the submission's reach.
    os.closerange(3, fd)
    os.closerange(fd + 1, os.sysconf("SC_OPEN_MAX"))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    os.chdir(folder)
    os.environ.update(folder_variables(Path(folder)))
    tempfile.tempdir = os.environ["TMPDIR"]  # the fork server may have cached its own already
    dumps = json.dumps  # taken before any student code can replace it
    try:
        data = dumps(_run_cells(notebook, lab_id, timeout, memory_mb)).encode()
    except MemoryError:
        data = b'{"error": "memory"}'
    except BaseException as err:  # our own failure, or one the submission provoked outside its cells
        data = dumps({"error": "{ename}: {evalue}".format(**_describe(err))}).encode()
    while data:
        data = data[os.write(fd, data):]
    os._exit(0)  # no interpreter shutdown: atexit hooks of the submission do not run


# ---- the grader's side ----

_context = multiprocessing.get_context("forkserver")


@contextlib.contextmanager
def fork_server():
    """A fork server with the warm modules for the duration of a batch; stopped and reaped at the end,
    so no process is left over and its CPU time is counted."""
    _context.set_forkserver_preload(["__main__", "underwatch.preload"])
    try:
        yield
    finally:
        # The standard library's own way to stop both helpers (its tests use it); there is no public one.
        multiprocessing.forkserver._forkserver._stop()
        multiprocessing.resource_tracker._resource_tracker._stop()


def run(notebook: Path, folder: Path, lab_id: str, *, timeout: int, memory_mb: int) -> Outcome:
    """Run ``notebook`` (a copy inside ``folder``) in a forked child; wait at most hard_limit(timeout)."""
    reader, writer = _context.Pipe(duplex=False)
    child = _context.Process(target=run_submission, daemon=True,
                             args=(str(notebook), str(folder), lab_id, timeout, memory_mb, writer))
    child.start()
    writer.close()
    try:
        data, problem = _read_until_closed(reader.fileno(), time.monotonic() + hard_limit(timeout))
    finally:
        reader.close()
        _kill(child)
    if problem:
        return Outcome(None, problem, child.exitcode)
    try:
        report = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return Outcome(None, "crashed" if not data else "unreadable", child.exitcode)
    if not isinstance(report, dict):
        return Outcome(None, "unreadable", child.exitcode)
    return Outcome(report, "", child.exitcode)


def _read_until_closed(fd: int, deadline: float) -> tuple[bytes, str]:
    chunks, size = [], 0
    poller = select.poll()  # not select.select: that fails on descriptors above 1023
    poller.register(fd, select.POLLIN)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"", "timeout"
        if not poller.poll(remaining * 1000):
            continue
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks), ""
        size += len(chunk)
        if size > REPORT_LIMIT_BYTES:
            return b"", "unreadable"
        chunks.append(chunk)


def _kill(child) -> None:
    if child.pid is not None:
        try:
            os.killpg(child.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    child.kill()
    child.join()
