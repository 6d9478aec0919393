"""Running one untrusted submission: its own folder, limits, and a kernel that may not
write outside that folder or start processes.

``python -m survlab.sandbox NOTEBOOK FOLDER LAB_ID TIMEOUT MEMORY_MB`` runs in a child
process of the grader, under the memory limit (inherited by the kernel it starts), and
prints one JSON line: the answers read out of the kernel, the cell errors, and whether
output was cut. It judges nothing: the grader does that in its own process.
"""
from __future__ import annotations

import json
import os
import resource
import sys
from pathlib import Path

DENIED = "survlab-sandbox denied"

# Run in the kernel before the submission's first cell. An audit hook cannot be removed
# once added (PEP 578), so later cells cannot switch it off from Python.
PRELUDE = r'''
import os as _os, sys as _sys
def _survlab_guard(root=_os.path.realpath(_os.getcwd())):
    _write_flags = _os.O_WRONLY | _os.O_RDWR | _os.O_CREAT | _os.O_APPEND | _os.O_TRUNC
    _path_events = {"os.remove", "os.rename", "os.replace", "os.rmdir", "os.mkdir", "os.symlink",
                    "os.link", "os.truncate", "os.chmod", "os.chown", "shutil.rmtree", "shutil.move",
                    "os.utime"}
    _process_events = {"subprocess.Popen", "os.system", "os.exec", "os.spawn", "os.posix_spawn",
                       "os.fork", "os.forkpty", "pty.spawn"}
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


def limit_memory(megabytes: int) -> None:
    """Cap this process's data segment (heap and anonymous maps); children inherit the cap."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def folder_environment(folder: Path) -> dict[str, str]:
    """Environment for a run whose every cache and temporary file stays inside ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "IPYTHON", "MPL"))}
    env.update({
        "HOME": str(folder), "TMPDIR": str(folder / "tmp"), "IPYTHONDIR": str(folder / ".ipython"),
        "MPLCONFIGDIR": str(folder / ".matplotlib"), "JUPYTER_RUNTIME_DIR": str(folder / ".jupyter-runtime"),
        "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    })
    (folder / "tmp").mkdir(exist_ok=True)
    return env


def main(argv: list[str]) -> int:
    import nbformat

    from . import runner

    notebook, folder, lab_id, timeout, memory_mb = argv
    limit_memory(int(memory_mb))
    nb = nbformat.read(notebook, as_version=4)
    try:
        run = runner.run_and_collect(nb, folder, name=Path(notebook).name, timeout=int(timeout),
                                     allow_errors=True, prelude=PRELUDE, lab_id=lab_id)
    except runner.LabExecutionError as err:
        print(json.dumps({"error": str(err)}))
        return 0
    except MemoryError:
        print(json.dumps({"error": "the grader ran out of memory reading this submission"}))
        return 0
    print(json.dumps({"answers": run.answers, "output_truncated": run.output_truncated,
                      "errors": [{"index": e.index, "ename": e.ename, "evalue": e.evalue} for e in run.errors]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
