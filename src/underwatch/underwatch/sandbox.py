"""Running untrusted submissions: each one isolated by the operating system.

The grader starts one warm server per lane (``--jobs`` lanes) inside bubblewrap and talks to
it over a socket pair (length-prefixed JSON; no pickle, no socket on disk). The server
(``underwatch.inside``) runs as an unprivileged user (``nobody`` when the grader is root) with
no network, its own PID namespace, and a read-only view of nothing but the Python
environment, the student library *without* ``survlab/answers`` and its own code. It imports
IPython, NumPy, matplotlib and the lab once, never runs student code, and forks one child per
submission, which enters namespaces of its own (user, mount, PID, network, IPC, UTS), gets a
private tmpfs folder, ``/tmp`` and ``/dev/shm``, drops every capability, joins a fresh session
keyring, installs a seccomp filter, and runs the cells. The cells never pass through the server:
the grader writes them into a pipe that only the submission's own process reads, after the
fork, so no later child (a copy of the server) holds an earlier classmate's code. Every
``survlab/answers`` folder that a bind would show (a wheel or kit install puts one in
site-packages) is hidden under an empty read-only tmpfs.

Memory is limited by a cgroup per submission (cgroup v1 memory and pids controllers, or
cgroup v2), which counts every page the submission makes resident: heap, ``mmap``, ``memfd``
and tmpfs files alike; where the cpu controller is there, the same cgroup gives it one core's
CPU time and counts its CPU time against a deadline of its own. Within that, ``RLIMIT_AS`` makes an oversized allocation fail in its
own cell, so the rest of the notebook still earns its points. Every run has one deadline,
from the moment its request is sent, for its whole life; when it passes, everything in the
submission's cgroup is killed.

Where any of this is missing the grader refuses to run (``IsolationUnavailable``) and says what
to install; ``unsafe=True`` (``--unsafe-no-isolation``) runs the same server and children
without namespaces or cgroups, under the grader's own account, and the CSV says so.
"""
from __future__ import annotations

import contextlib
import functools
import json
import os
import queue
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import inside

def json_scan(data: bytes) -> tuple[int, int, int]:
    """(deepest nesting, objects and arrays, values) of the JSON in ``data``, strings skipped,
    counted without parsing it: linear passes over 1 MB slices, so a few tens of MB of memory
    whatever the file (no per-token objects). Values are bounded by commas plus containers
    (every element but a container's first follows a comma), which is what parsing would make."""
    import numpy as np

    # Escaped backslashes, then escaped quotes, go first: every quote left delimits a string.
    codes = np.frombuffer(data.replace(b"\\\\", b"").replace(b'\\"', b""), dtype=np.uint8)
    in_string, depth, deepest, containers, commas = 0, 0, 0, 0, 0
    for start in range(0, len(codes), 1 << 20):
        chunk = codes[start:start + (1 << 20)]
        quote = chunk == ord('"')
        parity = (np.cumsum(quote, dtype=np.int32) + in_string) & 1
        in_string = int(parity[-1])
        outside = chunk[(parity == 0) & ~quote]
        opens = (outside == ord("[")) | (outside == ord("{"))
        steps = opens.astype(np.int32) - ((outside == ord("]")) | (outside == ord("}"))).astype(np.int32)
        containers += int(opens.sum())
        commas += int((outside == ord(",")).sum())
        if len(steps):
            running = np.cumsum(steps) + depth
            deepest, depth = max(deepest, int(running.max())), int(running[-1])
    return deepest, containers, containers + commas + 1


def json_depth_ok(data: bytes, limit: int) -> bool:
    """True if no array or object in ``data`` is nested deeper than ``limit`` (strings skipped);
    linear time and no recursion, so it is safe on any input."""
    return json_scan(data)[0] <= limit


def json_counts(data: bytes) -> tuple[int, int]:
    """(objects and arrays, values) in ``data`` (see json_scan)."""
    return json_scan(data)[1:]


REPORT_LIMIT_BYTES = 10_000_000  # a report larger than this is not read
STARTUP_SECONDS = 120  # a lane's server must be ready within this
CellTimeoutError = inside.CellTimeoutError
NOBODY = (65534, 65534)
PIDS_MAX = 128


class IsolationUnavailable(RuntimeError):
    """The machine cannot isolate submissions; the message says what is missing."""


@dataclass
class Outcome:
    """What the grader learns about one run: the child's report, or why there is none."""
    report: dict | None
    problem: str = ""  # "timeout", "crashed", "unreadable" or "sandbox" when report is None
    exitcode: int | None = None
    over_memory: bool = False
    seconds: float = 0.0
    cpu_seconds: float | None = None  # CPU time of everything it ran (its cgroup), where measured
    waited_seconds: float = 0.0  # time its processes were ready to run but waited for a CPU (at a timeout)
    tries: int = 1

    @property
    def isolation_failed(self) -> bool:
        """Our own middle process said isolation failed (exit code no student code can give)."""
        return (self.report is not None and "sandbox_error" in self.report
                and self.exitcode == inside.SANDBOX_FAILED)


def hard_limit(timeout: int) -> int:
    """Seconds a whole submission may take, start-up included, before everything it runs is
    killed (a cell that catches its own time limit keeps running until then)."""
    return timeout * 2 + 10


CPUS_PER_SUBMISSION = 1  # cpu.max / cfs quota: one submission never takes a classmate's core
STARVED = 0.25  # a run that timed out having waited for a CPU this share of its wall time is run again once


# ---- cgroups: a memory, a pids and a CPU limit per submission ----

def _own_cgroup(controller: str) -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if controller in names.split(",") or (controller == "" and names == ""):
            return path
    return "/"


class Cgroups:
    """One folder per batch, one per submission, made and removed by the grader (as root)."""

    def __init__(self):
        self.version = 0
        self.roots: dict[str, Path] = {}

    @classmethod
    def detect(cls) -> tuple[Cgroups | None, str]:
        """(cgroups, "") or (None, what is missing)."""
        if not sys.platform.startswith("linux"):
            return None, "cgroups are a Linux feature"
        if os.geteuid() != 0:
            return None, ("a memory cgroup per submission can only be created by root on this machine "
                          "(run the grader as root, e.g. in a CI job or container, or use a machine where you are root)")
        self = cls()
        tag = f"underwatch-{os.getpid()}-{secrets.token_hex(4)}"
        v1 = Path("/sys/fs/cgroup/memory")
        v2 = Path("/sys/fs/cgroup")
        try:
            if (v1 / "memory.limit_in_bytes").exists():
                self.version = 1
                self.roots["memory"] = v1 / _own_cgroup("memory").lstrip("/") / tag
                pids = Path("/sys/fs/cgroup/pids")
                if (pids / "cgroup.procs").exists():
                    self.roots["pids"] = pids / _own_cgroup("pids").lstrip("/") / tag
                cpu, cpuacct = Path("/sys/fs/cgroup/cpu"), Path("/sys/fs/cgroup/cpuacct")
                if (cpu / "cpu.cfs_quota_us").exists():
                    self.roots["cpu"] = cpu / _own_cgroup("cpu").lstrip("/") / tag
                if (cpuacct / "cpuacct.usage").exists() and cpuacct.resolve() != cpu.resolve():
                    self.roots["cpuacct"] = cpuacct / _own_cgroup("cpuacct").lstrip("/") / tag
            elif "memory" in (v2 / "cgroup.controllers").read_text().split() if (v2 / "cgroup.controllers").exists() else False:
                self.version = 2
                parent = v2 / _own_cgroup("").lstrip("/")
                if "memory" not in (parent / "cgroup.subtree_control").read_text().split():
                    parent = v2  # the root cgroup may hold processes and still delegate
                self.roots["unified"] = parent / tag
            else:
                return None, "no memory cgroup controller is mounted (looked in /sys/fs/cgroup/memory and /sys/fs/cgroup)"
            for kind, root in list(self.roots.items()):
                _remove_stale(root.parent)
                try:
                    root.mkdir()
                except OSError:
                    if kind not in ("cpu", "cpuacct"):
                        raise
                    del self.roots[kind]  # no CPU quota here: the wall-clock deadline still holds
            if self.version == 2:
                root = self.roots["unified"]
                (root / "cgroup.subtree_control").write_text("+memory +pids")
                with contextlib.suppress(OSError):  # where the cpu controller is delegated too
                    (root / "cgroup.subtree_control").write_text("+cpu")
                if "memory" not in (root / "cgroup.controllers").read_text().split():
                    self.remove()
                    return None, "the memory controller is not enabled for the grader's cgroup (cgroup v2)"
        except OSError as err:
            self.remove()
            return None, f"could not create a cgroup ({err})"
        return self, ""

    def slot(self, name: str, memory_bytes: int) -> Slot:
        return Slot(self, name, memory_bytes)

    def remove(self) -> None:
        for root in self.roots.values():
            with contextlib.suppress(OSError):
                for child in root.iterdir():
                    if child.is_dir():
                        _rmdir_cgroup(child)
                _rmdir_cgroup(root)


def _remove_stale(parent: Path) -> None:
    """Remove the cgroups of batches whose grader is gone (killed with SIGKILL: no clean-up ran)."""
    for path in parent.glob("underwatch-*-*"):
        try:
            pid = int(path.name.split("-")[1])
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                for child in path.iterdir():
                    if child.is_dir():
                        _rmdir_cgroup(child)
                _rmdir_cgroup(path)
        except (ValueError, PermissionError):
            pass


def _rmdir_cgroup(path: Path) -> None:
    for _ in range(50):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            _kill_procs(path)
            time.sleep(0.02)


def _kill_procs(path: Path) -> bool:
    """SIGKILL every process in the cgroup; True if it was empty."""
    try:
        pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
    except OSError:
        return True
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return not pids


class Slot:
    """One submission's cgroups: limits set before the child joins them itself."""

    def __init__(self, cgroups: Cgroups, name: str, memory_bytes: int):
        self.dirs: list[Path] = []
        self.cgroups = cgroups
        for kind, root in cgroups.roots.items():
            path = root / name
            path.mkdir()
            self.dirs.append(path)
            if kind == "memory":
                (path / "memory.limit_in_bytes").write_text(str(memory_bytes))
                if (path / "memory.memsw.limit_in_bytes").exists():
                    with contextlib.suppress(OSError):
                        (path / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            elif kind == "pids":
                (path / "pids.max").write_text(str(PIDS_MAX))
            elif kind == "cpu":
                with contextlib.suppress(OSError):
                    (path / "cpu.cfs_period_us").write_text("100000")
                    (path / "cpu.cfs_quota_us").write_text(str(100000 * CPUS_PER_SUBMISSION))
            elif kind == "unified":
                (path / "memory.max").write_text(str(memory_bytes))
                with contextlib.suppress(OSError):
                    (path / "memory.swap.max").write_text("0")
                (path / "pids.max").write_text(str(PIDS_MAX))
                with contextlib.suppress(OSError):
                    (path / "cpu.max").write_text(f"{100000 * CPUS_PER_SUBMISSION} 100000")

    def waited_seconds(self) -> float:
        """Time the processes still in the cgroup spent runnable but waiting for a CPU (schedstat)."""
        total = 0
        for path in self.dirs[:1]:
            with contextlib.suppress(OSError, ValueError):
                for pid in (path / "cgroup.procs").read_text().split():
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[1])
        return total / 1e9

    def cpu_seconds(self) -> float | None:
        """CPU time used by everything in the submission's cgroup so far, or None if not counted."""
        for path in self.dirs:
            try:
                if (path / "cpuacct.usage").exists():
                    return int((path / "cpuacct.usage").read_text()) / 1e9
                if (path / "cpu.stat").exists():
                    for line in (path / "cpu.stat").read_text().splitlines():
                        if line.startswith("usage_usec "):
                            return int(line.split()[1]) / 1e6
            except (OSError, ValueError):
                return None
        return None

    def open_fds(self) -> list[int]:
        return [os.open(path / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC) for path in self.dirs]

    def kill_all(self) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.cgroups.version == 2:
                with contextlib.suppress(OSError):
                    (self.dirs[0] / "cgroup.kill").write_text("1")
            if all(_kill_procs(path) for path in self.dirs):
                return
            time.sleep(0.01)

    def over_memory(self) -> bool:
        try:
            if self.cgroups.version == 1:
                text = (self.dirs[0] / "memory.oom_control").read_text()
                kills = dict(line.split() for line in text.splitlines()).get("oom_kill", "0")
                return int(kills) > 0
            text = (self.dirs[0] / "memory.events").read_text()
            return int(dict(line.split() for line in text.splitlines()).get("oom_kill", "0")) > 0
        except (OSError, ValueError):
            return False

    def remove(self) -> None:
        self.kill_all()
        for path in self.dirs:
            _rmdir_cgroup(path)


# ---- what the sandbox sees ----

def _survlab_dir() -> Path:
    import survlab
    return Path(survlab.__file__).resolve().parent


def _fontlist() -> str:
    """The grader's own matplotlib font cache, so that each lane does not rebuild it (found
    without importing matplotlib, which costs more than half a second)."""
    folder = os.environ.get("MPLCONFIGDIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "matplotlib")
    found = sorted(Path(folder).glob("fontlist-v*.json"))
    if not found:
        try:
            import matplotlib
            import matplotlib.font_manager
            found = sorted(Path(matplotlib.get_cachedir()).glob("fontlist-v*.json"))
        except Exception:  # noqa: BLE001  (the sandbox then builds its own)
            return ""
    return str(found[-1]) if found else ""


LIB = "/opt/underwatch/lib"
INSIDE = "/opt/underwatch/inside.py"
FONTS = "/opt/underwatch/fontlist.json"
ENV = "/opt/underwatch/env"  # the virtual environment, wherever it lives (a checkout under /tmp would be hidden)


def _venv() -> str | None:
    """The virtual environment's folder, if the grader runs in one."""
    prefix, base = os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix)
    return prefix if prefix != base else None


def in_sandbox(path: str) -> str:
    """Where a path of the virtual environment appears inside the sandbox."""
    venv = _venv()
    if venv and (path == venv or path.startswith(venv + os.sep)):
        return ENV + path[len(venv):]
    return path


def sandbox_python() -> str:
    """The interpreter to run inside the sandbox: the venv's, at its sandbox path."""
    venv = _venv()
    if venv and Path(sys.executable).absolute().as_posix().startswith(sys.prefix):
        return ENV + Path(sys.executable).absolute().as_posix()[len(sys.prefix):]
    return in_sandbox(os.path.realpath(sys.executable))


def bwrap_command(config: dict) -> list[str]:
    """The bubblewrap command line of a lane's server: only what it needs, read-only."""
    cmd = [shutil.which("bwrap") or "bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
           "--die-with-parent", "--new-session", "--clearenv"]
    if os.geteuid() == 0:
        # As root bwrap needs no user namespace; the server drops to nobody itself, so that
        # every submission runs under an unprivileged user id of the machine.
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--uid", str(NOBODY[0]), "--gid", str(NOBODY[1]), "--cap-drop", "ALL"]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            cmd += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            cmd += ["--ro-bind", str(path), str(path)]
    made = set()
    venv = _venv()
    if venv:  # at a fixed path, so that the sandbox's own /tmp cannot hide it
        cmd += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", "/opt/underwatch", "--ro-bind", venv, ENV]
    for prefix in sorted({os.path.realpath(sys.base_prefix)}):
        if not prefix.startswith("/usr/"):
            # bwrap copies the modes of the host's folders above a bind (/root is 0700): open them
            for parent in reversed(Path(prefix).parents[:-1]):
                if parent not in made:
                    cmd += ["--perms", "0755", "--dir", str(parent)]
                    made.add(parent)
            cmd += ["--ro-bind", prefix, prefix]
    for shared in ("/etc/ld.so.cache", "/etc/fonts"):  # the dynamic loader's cache; fontconfig's settings
        if Path(shared).exists():
            cmd += ["--ro-bind", shared, shared]
    # The student library, entry by entry, without its answer key (nothing else of the repository).
    source = _survlab_dir()
    cmd += ["--dir", f"{LIB}/survlab"]
    for entry in sorted(source.iterdir()):
        if entry.name not in ("answers", "__pycache__") and not entry.name.startswith("."):
            cmd += ["--ro-bind", str(entry), f"{LIB}/survlab/{entry.name}"]
    cmd += ["--ro-bind", str(Path(inside.__file__).resolve()), INSIDE]
    # Every other copy of the answer key the binds above would show (a wheel or kit install puts
    # survlab, answers included, in the environment's site-packages): hidden under an empty,
    # read-only tmpfs. Decided by what is bound, not by how the toolkit was installed.
    for hidden in answer_keys_in_view():
        cmd += ["--tmpfs", hidden, "--remount-ro", hidden]
    if config.get("fontlist"):
        cmd += ["--ro-bind", config.pop("fontlist"), FONTS]
        config["fontlist"] = FONTS
    cmd += ["--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--tmpfs", "/tmp", "--perms", "0755", "--dir", "/home",
            "--perms", "0755", "--dir", inside.FOLDER, "--perms", "0755", "--dir", "/dev/shm",
            "--remount-ro", "/"]
    return cmd


def sandbox_view(path: str) -> str | None:
    """Where a real path of this machine appears inside the sandbox, or None if it does not."""
    path = os.path.realpath(path)
    venv = _venv()
    if venv and (path == venv or path.startswith(venv + os.sep)):
        return ENV + path[len(venv):]
    visible = ["/usr", *(str(Path("/") / name) for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32")),
               os.path.realpath(sys.base_prefix)]
    for root in visible:
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return path
    return None


def answer_keys_in_view() -> list[str]:
    """The sandbox paths of every survlab/answers folder importable here that a bind exposes."""
    import site
    places = {_survlab_dir().parent.as_posix(), *sys.path, *site.getsitepackages()}
    with contextlib.suppress(AttributeError):
        places.add(site.getusersitepackages())
    found = set()
    for place in places:
        folder = Path(place or ".") / "survlab" / "answers"
        if folder.is_dir():
            view = sandbox_view(str(folder))
            if view is not None:
                found.add(view)
    return sorted(found)


def site_packages() -> list[str]:
    import site
    return [p for p in site.getsitepackages() if Path(p).is_dir()]


def isolation_problem() -> str:
    """What stops the grader from isolating submissions here, or '' (a quick check; the first
    lane's self-test is the real one)."""
    if not sys.platform.startswith("linux"):
        return (f"submissions are isolated with Linux namespaces and cgroups, which {sys.platform} does not have: "
                "grade on Linux (a virtual machine or a Linux CI runner will do)")
    if shutil.which("bwrap") is None:
        return ("bubblewrap is not installed (the `bwrap` command): install it with "
                "`sudo apt-get install bubblewrap` (Debian, Ubuntu) or `sudo dnf install bubblewrap` (Fedora)")
    return ""


_PROBE = """
import ctypes, os, sys
if os.geteuid() == 0:
    os.setgroups([]); os.setresgid(65534, 65534, 65534); os.setresuid(65534, 65534, 65534)
if ctypes.CDLL(None, use_errno=True).unshare(0x10000000 | 0x20000 | 0x20000000 | 0x40000000) != 0:
    sys.exit("nested namespaces: " + os.strerror(ctypes.get_errno()))
"""


@functools.lru_cache(maxsize=1)
def availability() -> str:
    """'' if this machine can isolate submissions (bubblewrap that works, nested namespaces, a
    memory cgroup), else why not. A quick check for tests and tools; the grader itself runs
    the full self-test in every lane."""
    problem = isolation_problem()
    if problem:
        return problem
    cgroups, problem = Cgroups.detect()
    if cgroups is None:
        return f"no memory limit can be enforced: {problem}"
    cgroups.remove()
    try:
        probe = subprocess.run(bwrap_command({}) + ["--", sandbox_python(), "-I", "-S", "-c", _PROBE],
                               capture_output=True, text=True, timeout=60, env={})
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"bubblewrap could not run ({err})"
    if probe.returncode != 0:
        return f"bubblewrap could not make a sandbox here: {(probe.stderr.strip() or 'no message')[-300:]}"
    return ""


def unavailable_message(problem: str) -> str:
    return (f"cannot isolate submissions: {problem}. The grader runs every submission under an unprivileged "
            "user in its own namespaces, with no network and a memory cgroup, and refuses to run students' "
            "code without that. To grade anyway, as your own user and with no isolation (only for notebooks you "
            "trust), pass --unsafe-no-isolation; the CSV records it.")


# ---- one lane: a server in its sandbox, one submission at a time ----

class Lane:
    def __init__(self, lab_id: str, *, unsafe: bool, workdir: Path | None, fontlist: str):
        self.lab_id, self.unsafe, self.workdir, self.fontlist = lab_id, unsafe, workdir, fontlist
        self.proc: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.count = 0
        self.server_rss = 0
        self.stopped = False

    def start(self) -> None:
        self.spawn()
        self.wait_ready()

    def spawn(self) -> None:
        """Start the server (bwrap's --die-with-parent follows the *thread* that starts it: call this
        from a thread that lives as long as the lane, such as the batch's own)."""
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        config = {"fd": theirs.fileno(), "lab": self.lab_id, "isolate": not self.unsafe,
                  "folder_bytes": 256 << 20, "fontlist": self.fontlist}
        if self.unsafe:
            config.update(path=[str(_survlab_dir().parent), *site_packages()],
                          mplconfigdir=str(self.workdir / f"mpl-{id(self)}"), drop_to=None)
            cmd = [sys.executable, "-I", "-S", str(Path(inside.__file__).resolve())]
        else:
            config.update(path=[LIB, *(in_sandbox(os.path.realpath(p)) for p in site_packages())],
                          mplconfigdir="/tmp/matplotlib", drop_to=list(NOBODY))
            cmd = bwrap_command(config) + ["--", sandbox_python(), "-I", "-S", INSIDE]
        self.log = tempfile.TemporaryFile()  # unlinked at once: nothing left on disk
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"} if self.unsafe else {}
        self.proc = subprocess.Popen(cmd + [json.dumps(config)], pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log, env=env)
        theirs.close()
        self.sock = mine

    def wait_ready(self) -> None:
        try:
            self.sock.settimeout(STARTUP_SECONDS)
            ready, _ = inside.receive(self.sock)
        except (OSError, ValueError) as err:
            ready = {"ready": False, "problem": f"{type(err).__name__}: {err}"}
        log = self.log
        self.server_rss = int((ready or {}).get("rss") or 0)
        if not ready or not ready.get("ready"):
            problem = (ready or {}).get("problem") or "the sandbox ended before it was ready"
            self.close()
            log.seek(0)
            tail = log.read()[-1500:].decode(errors="replace").strip()
            log.close()
            hint = ""
            if "namespace" in (tail + problem).lower() or "Operation not permitted" in tail + problem:
                hint = (" (user namespaces may be disabled: on Debian `sysctl kernel.unprivileged_userns_clone=1`, on "
                        "Ubuntu 24.04 `sysctl kernel.apparmor_restrict_unprivileged_userns=0`, or run as root)")
            raise IsolationUnavailable(unavailable_message(f"the sandbox failed to start: {problem}"
                                                           + (f"; bwrap said: {tail}" if tail else "") + hint))
        log.close()

    def hang_up(self) -> None:
        """Close the socket: the server exits when it reads the end (see ``close``)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def close(self, grace: float = 2.0) -> None:
        """Closing the socket tells the server to exit; it and bwrap then reap their children
        (so their CPU time is counted by whoever waits for the grader); killed if it does not."""
        self.hang_up()
        if self.proc is not None:
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def run(self, cells: list, *, timeout: int, memory_mb: int, cgroups: Cgroups | None) -> Outcome:
        """One submission, with one deadline for its whole life (fork, start-up, cells, report)."""
        start = time.monotonic()
        deadline = start + hard_limit(timeout)
        if self.proc is None:
            if self.stopped:
                return Outcome(None, "sandbox")
            self.start()
        self.count += 1
        # The cgroup holds everything resident: the submission's own allowance (which RLIMIT_AS
        # enforces first, in the cell that asks too much), plus the server's pages it may copy.
        limit = (memory_mb << 20) + self.server_rss + (64 << 20)
        slot = cgroups.slot(f"s{self.count}-{secrets.token_hex(3)}", limit) if cgroups else None
        folder = None
        reader, writer = os.pipe()
        code_reader, code_writer = os.pipe()  # the cells go to the submission's own process only, never the server
        os.set_blocking(code_writer, False)
        fds = [writer, code_reader]
        try:
            if slot:
                fds += slot.open_fds()
            message = {"op": "run", "lab": self.lab_id, "timeout": timeout, "memory_mb": memory_mb}
            if self.unsafe:
                folder = Path(tempfile.mkdtemp(prefix="s", dir=self.workdir))
                message["folder"] = str(folder)
            try:
                self.sock.settimeout(max(1.0, deadline - time.monotonic()))
                inside.send(self.sock, message, fds)
                reply, _ = inside.receive(self.sock)
            finally:
                for fd in fds:
                    os.close(fd)
            if not reply or "started" not in reply:
                raise OSError(f"the sandbox did not start the submission: {reply}")
            code = json.dumps({"cells": cells}).encode()
            cpu_limit = hard_limit(timeout)  # a deadline in CPU time as well as in wall time
            over_cpu = (lambda: (slot.cpu_seconds() or 0) > cpu_limit) if slot else None
            handed, code_writer = code_writer, -1  # closed by _read_until_closed, whatever happens
            data, problem = _read_until_closed(reader, deadline, handed, code, over_cpu)
            waited = 0.0
            if problem and slot:
                waited = slot.waited_seconds()
                slot.kill_all()  # the deadline passed: stop everything it started
            self.sock.settimeout(20)
            inside.send(self.sock, {"op": "finish", "grace": 0 if problem else 2})
            reply, _ = inside.receive(self.sock)
            exitcode = (reply or {}).get("exit")
        except (OSError, ValueError):  # the lane's server failed: restart it for the next one
            self.close()
            if slot:
                slot.remove()
            return Outcome(None, "sandbox", None, False, time.monotonic() - start)
        finally:
            os.close(reader)
            if code_writer >= 0:
                os.close(code_writer)
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
        over, cpu = False, None
        if slot:
            over, cpu = slot.over_memory(), slot.cpu_seconds()
            slot.remove()
        seconds = time.monotonic() - start
        if problem:
            return Outcome(None, problem, exitcode, over, seconds, cpu, waited)
        report = parse_report(data)
        if report is None:
            return Outcome(None, "crashed" if not data else "unreadable", exitcode, over, seconds, cpu)
        return Outcome(report, "", exitcode, over, seconds, cpu)


def parse_report(data: bytes) -> dict | None:
    """The child's JSON report, with size and depth checked before it is parsed."""
    if not data or len(data) > REPORT_LIMIT_BYTES or not json_depth_ok(data, 64):
        return None
    try:
        report = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return report if isinstance(report, dict) else None


def _read_until_closed(fd: int, deadline: float, code_fd: int = -1, code: bytes = b"",
                       over_cpu=None) -> tuple[bytes, str]:
    """The report, read until the child closes it, while the submission's code is written to
    ``code_fd`` (non-blocking; closed here once written or refused); "timeout" at the deadline
    or once ``over_cpu()`` says the CPU budget is spent."""
    chunks, size = [], 0
    poller = select.poll()  # not select.select: that fails on descriptors above 1023
    poller.register(fd, select.POLLIN)
    view = memoryview(code)
    if code_fd >= 0:
        poller.register(code_fd, select.POLLOUT)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (over_cpu is not None and over_cpu()):
                return b"", "timeout"
            events = dict(poller.poll(min(remaining, 0.5 if over_cpu else remaining) * 1000))
            if code_fd >= 0 and code_fd in events:
                try:
                    view = view[os.write(code_fd, view[:1 << 16]):] if events[code_fd] & select.POLLOUT else view[:0]
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:  # the child is gone before reading it all
                    view = view[:0]
                if not view:
                    poller.unregister(code_fd)
                    os.close(code_fd)
                    code_fd = -1
            if fd not in events:
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return b"".join(chunks), ""
            size += len(chunk)
            if size > REPORT_LIMIT_BYTES:
                return b"", "unreadable"
            chunks.append(chunk)
    finally:
        if code_fd >= 0:
            os.close(code_fd)


class Sandbox:
    """The lanes and cgroups of one batch. Use as a context manager; ``run`` is thread-safe
    (each call takes a free lane)."""

    def __init__(self, lab_id: str, *, lanes: int, unsafe: bool = False):
        self.lab_id, self.unsafe, self.size = lab_id, unsafe, max(1, lanes)
        self.cgroups: Cgroups | None = None
        self.workdir: Path | None = None
        self.free: queue.Queue[Lane] = queue.Queue()
        self.lanes: list[Lane] = []
        self._started = False
        self._start_error: BaseException | None = None

    @property
    def description(self) -> str:
        if self.unsafe:
            return "NONE (--unsafe-no-isolation)"
        return f"bwrap+namespaces, cgroup v{self.cgroups.version}" if self.cgroups else "bwrap+namespaces"

    def start(self) -> None:
        """Start every lane's server now, without waiting for it: a caller can do its own
        loading meanwhile (the grader loads the lab while the servers load it too). A problem
        is kept and raised by ``wait_ready``, so nothing is reported before the caller's own checks."""
        if self._started:
            return
        self._started = True
        try:
            if not self.unsafe:
                problem = isolation_problem()
                if problem:
                    raise IsolationUnavailable(unavailable_message(problem))
                self.cgroups, problem = Cgroups.detect()
                if self.cgroups is None:
                    raise IsolationUnavailable(unavailable_message(f"no memory limit can be enforced: {problem}"))
            else:
                self.workdir = Path(tempfile.mkdtemp(prefix="underwatch-unsafe-"))
            fontlist = _fontlist()
            self.lanes = [Lane(self.lab_id, unsafe=self.unsafe, workdir=self.workdir, fontlist=fontlist)
                          for _ in range(self.size)]
            for lane in self.lanes:  # from this thread (see Lane.spawn), all starting at once
                lane.spawn()
        except BaseException as err:  # noqa: BLE001 - raised again by wait_ready
            self._start_error = err

    def wait_ready(self) -> None:
        """Wait until every lane's server is ready; raises what ``start`` kept, or a lane's problem."""
        self.start()
        if self._start_error is not None:
            raise self._start_error
        for lane in self.lanes:
            lane.wait_ready()
        for lane in self.lanes:  # each server has run the isolation steps once (its self-test)
            self.free.put(lane)

    def close(self) -> None:
        """Stop every lane (once; safe to call again): all servers are told at once, then awaited."""
        lanes, self.lanes = self.lanes, []
        for lane in lanes:
            lane.hang_up()
        for lane in lanes:
            lane.close()
        if self.cgroups:
            self.cgroups.remove()
            self.cgroups = None
        if self.workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def __enter__(self) -> Sandbox:
        try:
            self.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def abort(self) -> None:
        """Stop every lane now (bwrap's PID namespace takes every run with it); no lane restarts."""
        for lane in self.lanes:
            lane.stopped = True
            if lane.proc is not None and lane.proc.poll() is None:
                lane.proc.kill()

    def run(self, cells: list, *, timeout: int, memory_mb: int) -> Outcome:
        """One submission; run again once if it timed out having had too little CPU to finish
        (slowed by others on the machine, not by its own work)."""
        outcome = self._run_once(cells, timeout=timeout, memory_mb=memory_mb)
        if outcome.problem == "timeout" and outcome.waited_seconds > STARVED * outcome.seconds:
            outcome = self._run_once(cells, timeout=timeout, memory_mb=memory_mb)
            outcome.tries = 2
        return outcome

    def _run_once(self, cells: list, *, timeout: int, memory_mb: int) -> Outcome:
        lane = self.free.get()
        try:
            return lane.run(cells, timeout=timeout, memory_mb=memory_mb, cgroups=self.cgroups)
        finally:
            self.free.put(lane)
