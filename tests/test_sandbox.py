"""One submission in the grader's sandbox: what it can and cannot see and do.

Each test runs cells in a real sandbox (bubblewrap, namespaces, a cgroup) and checks a
boundary from inside; where this machine cannot isolate, the tests are skipped (and
tests/test_isolation.py checks that the grader then refuses to run).
"""
from __future__ import annotations

import os
import time

import pytest

from survlab import checks, labs
from underwatch import sandbox

UNAVAILABLE = sandbox.availability()

from conftest import GRADER  # noqa: E402

pytestmark = [*GRADER,
              pytest.mark.skipif(bool(UNAVAILABLE), reason=f"no isolation here: {UNAVAILABLE}")]


@pytest.fixture(scope="module")
def box():
    with sandbox.Sandbox("getting-started", lanes=1) as b:
        yield b


def run(box, *sources: str, timeout: int = 10, memory_mb: int = 512) -> sandbox.Outcome:
    return box.run([[i + 1, s] for i, s in enumerate(sources)], timeout=timeout, memory_mb=memory_mb)


def answer(box, *sources: str, **kwargs):
    outcome = run(box, *sources, **kwargs)
    assert outcome.report is not None, outcome
    assert outcome.report["errors"] == [], outcome.report
    return outcome.report["answers"]["people_per_camera"]


def test_answers_come_back_as_plain_data_and_missing_ones_are_left_out(box):
    outcome = run(box, "import numpy as np\npeople_per_camera = np.float32(200)")
    assert outcome.report == {"answers": {"people_per_camera": 200.0}, "errors": [], "output_truncated": False}


def test_a_raising_cell_is_listed_by_its_index_and_later_cells_still_run(box):
    outcome = run(box, "1 / 0", "people_per_camera = 5")
    assert outcome.report["errors"] == [{"index": 1, "ename": "ZeroDivisionError", "evalue": "division by zero"}]
    assert outcome.report["answers"] == {"people_per_camera": 5}


def test_a_cell_past_its_time_limit_is_stopped_and_the_next_one_runs(box):
    outcome = run(box, "while True:\n    pass", "people_per_camera = 5", timeout=1)
    assert [e["ename"] for e in outcome.report["errors"]] == ["CellTimeoutError"]
    assert outcome.report["answers"] == {"people_per_camera": 5}


def test_a_submission_runs_as_an_unprivileged_user_in_its_own_folder(box):
    where = answer(box, "import os, tempfile\nopen('notes.txt', 'w').write('mine')\n"
                        "people_per_camera = [os.getuid(), os.geteuid(), os.getpid(), os.getcwd(), os.environ['HOME'], "
                        "tempfile.gettempdir(), open('notes.txt').read()]")
    assert where[0] == where[1] == sandbox.NOBODY[0] if os.geteuid() == 0 else where[0] != 0
    assert where[2:] == [1, "/home/student", "/home/student", "/tmp", "mine"]  # PID 1 of its own namespace


def test_it_has_no_capability_and_cannot_gain_one(box):
    denied = answer(box, """import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
tries = {}
tries['setuid'] = libc.setuid(0)
tries['mount'] = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)
tries['umount proc'] = libc.umount2(b'/proc', 2)
# A nested user namespace gives capabilities over nothing of ours: our mounts are locked.
if libc.unshare(0x10000000 | 0x20000) == 0:
    tries['nested umount proc'] = libc.umount2(b'/proc', 2)
    tries['nested umount folder'] = libc.umount2(b'/home/student', 2)
people_per_camera = [sorted(k for k, v in tries.items() if v == 0), os.listdir('/proc')]""")
    assert denied == [[], []]


def test_it_sees_nothing_of_the_machine_but_the_python_environment(box):
    seen = answer(box, "import os\npeople_per_camera = [sorted(os.listdir('/')), os.listdir('/proc'), "
                       "os.path.exists('/etc/passwd'), os.path.exists('/sys'), sorted(os.listdir('/tmp')), "
                       "sorted(os.listdir('/home'))]")
    top, proc, passwd, sys_, tmp, home = seen
    assert set(top) <= {"bin", "dev", "etc", "home", "lib", "lib32", "lib64", "libx32", "opt", "proc", "root",
                        "sbin", "tmp", "usr", "work"}
    assert (proc, passwd, sys_, tmp, home) == ([], False, False, [], ["student"])


def test_only_its_folder_tmp_and_shm_are_writable(box):
    writable = answer(box, """import os, sys, survlab
places = ['/', '/usr', '/usr/lib', '/etc', '/dev', '/opt', '/opt/underwatch', os.path.dirname(survlab.__file__),
          sys.base_prefix, sys.base_prefix + '/lib', os.path.dirname(os.__file__), '/home', '/home/student', '/tmp',
          '/dev/shm'] + [p for p in sys.path if p]
ok = []
for place in places:
    try:
        with open(os.path.join(place, 'probe'), 'w') as f:
            f.write('x')
        ok.append(place)
    except OSError:
        pass
people_per_camera = sorted(set(ok))""")
    assert writable == ["/dev/shm", "/home/student", "/tmp"]


def test_the_answer_key_is_absent_and_the_self_checks_say_so(box):
    result = answer(box, """import importlib.util, os, survlab
from survlab import labs
check = labs.get('getting-started').check('people_per_camera', 200)
people_per_camera = [importlib.util.find_spec('survlab.answers') is None,
                     os.path.exists(os.path.join(os.path.dirname(survlab.__file__), 'answers')), check.status]""")
    assert result == [True, False, checks.UNCHECKED]


def test_the_network_does_not_exist(box):
    result = answer(box, """import socket
people_per_camera = [name for _, name in socket.if_nameindex()]
try:
    socket.create_connection(('127.0.0.1', 22), timeout=1)
    people_per_camera.append('connected')
except OSError as err:
    people_per_camera.append(type(err).__name__)""")
    assert result[0] == "lo" and result[-1] != "connected" and len(result) == 2


def test_the_environment_is_its_own(box):
    env = answer(box, "import os\npeople_per_camera = sorted(os.environ)")
    assert set(env) <= {"HOME", "TMPDIR", "IPYTHONDIR", "MPLCONFIGDIR", "PATH", "LANG", "MPLBACKEND",
                        "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "PYDEVD_DISABLE_FILE_VALIDATION"}


def test_one_submission_leaves_nothing_for_the_next(box):
    leave = ("import os\nfor place in ('/home/student', '/tmp', '/dev/shm'):\n"
             "    open(os.path.join(place, 'left-for-the-next'), 'w').write('answers')\npeople_per_camera = 1")
    assert answer(box, leave) == 1
    seen = answer(box, "import os\npeople_per_camera = [os.listdir(p) for p in ('/home/student', '/tmp', '/dev/shm')]")
    assert all("left-for-the-next" not in names for names in seen)


def test_the_cgroup_counts_memory_no_address_limit_sees(box):
    """A memfd written to with write(), never mapped: only the cgroup counts it. The same cells
    without the cgroup use the memory freely; with it they are stopped."""
    hoard = ("import os\nchunk = b'x' * (32 << 20)\nfds = [os.memfd_create('hoard') for _ in range(4)]\n"
             "for fd in fds:\n    for _ in range(6):\n        os.write(fd, chunk)\n"  # 4 x 192 MB, each under RLIMIT_FSIZE
             "people_per_camera = 1")
    lane = box.free.get()
    try:
        unlimited = lane.run([[1, hoard]], timeout=20, memory_mb=256, cgroups=None)
        limited = lane.run([[1, hoard]], timeout=20, memory_mb=256, cgroups=box.cgroups)
    finally:
        box.free.put(lane)
    assert unlimited.report is not None and unlimited.report["answers"] == {"people_per_camera": 1}
    assert limited.report is None and limited.over_memory


def test_an_oversized_allocation_fails_in_its_own_cell(box):
    outcome = run(box, "hoard = bytearray(4 << 30)", "people_per_camera = 2", memory_mb=256)
    assert [e["ename"] for e in outcome.report["errors"]] == ["MemoryError"]
    assert outcome.report["answers"] == {"people_per_camera": 2}


def test_printed_output_is_counted_not_kept(box):
    outcome = run(box, "for _ in range(21):\n    print('x' * 1_000_000)", "people_per_camera = 1")
    assert outcome.report["output_truncated"] and outcome.report["answers"] == {"people_per_camera": 1}
    assert run(box, "print('hello')").report["output_truncated"] is False


def test_figures_are_closed_after_every_cell_as_in_jupyter(box):
    assert answer(box, "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nx = 1",
                  "people_per_camera = len(plt.get_fignums())") == 0


def test_a_run_is_bounded_over_its_whole_life(box):
    """A cell that blocks the time-limit signal is killed at the hard limit, not waited for."""
    start = time.monotonic()
    outcome = run(box, "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                       "time.sleep(3600)", timeout=1)
    assert outcome.problem == "timeout"
    assert time.monotonic() - start < sandbox.hard_limit(1) + 5
    assert answer(box, "people_per_camera = 7") == 7  # the lane goes on


def test_a_report_is_checked_before_it_is_parsed():
    assert sandbox.parse_report(b"[" * 100_000 + b"]" * 100_000) is None
    assert sandbox.parse_report(b'{"answers": {}}') == {"answers": {}}
    assert sandbox.parse_report(b"1" * 5000) is None


def test_the_lab_module_is_loaded_once_in_the_server(box):
    assert labs.get("getting-started").id == "getting-started"
    assert all(lane.proc is not None and lane.proc.poll() is None for lane in box.lanes)
