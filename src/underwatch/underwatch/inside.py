"""The part of the grader that runs inside the sandbox: a warm server that forks one child per
submission, and the child that runs a submission's cells.

This file is started by ``underwatch.sandbox`` as a script (``python -I -S inside.py``), inside
bubblewrap: it must not import ``underwatch`` (the toolkit is not in the sandbox) and it sees
only the Python environment, the student library without its answer key, and this file.

The server never runs student code. It talks to the grader over one socket inherited from it
(length-prefixed JSON, never pickle), imports the heavy modules once, and for each request
forks a child that:

1. joins the submission's cgroups (memory, pids, cpu) through descriptors the grader opened;
2. enters new user, mount, PID, network, IPC and UTS namespaces (``unshare(2)``) as an
   unprivileged user, so nothing it does is visible to the server, another submission or the
   machine: fresh private tmpfs on its folder, ``/tmp`` and ``/dev/shm``, an empty ``/proc``;
3. forks again: the grandchild is PID 1 of its own PID namespace (whatever it starts dies
   with it), drops every capability, sets ``no_new_privs`` and resource limits, joins a fresh
   session keyring, installs a seccomp filter, reads the submission's code from a pipe the
   grader writes, and runs the cells; it writes only the answers, as plain JSON, to a pipe the
   grader reads.

The server never receives a submission's code: it reaches only the grandchild, after the fork,
so no later child (a copy of the server's memory) can find an earlier classmate's work in it.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import io
import json
import math
import numbers
import os
import resource
import signal
import socket
import struct
import sys
import time

FOLDER = "/home/student"
REPORT_FD = 3  # where the report pipe is moved in the child
OUTPUT_LIMIT_BYTES = 20_000_000  # printed output past this is counted, not kept
MAX_ERRORS = 50
MAX_CODE_BYTES = 64 << 20  # the cells, as JSON, read from the grader's pipe (a notebook is at most 25 MB)
SANDBOX_FAILED = 126  # the middle child's exit code when isolation failed; never passed on from student code

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 0x4000, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 4, 24, 38
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
KEYCTL_JOIN_SESSION_KEYRING = 1

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result: int, what: str) -> int:
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


# ---- messages to and from the grader: 4-byte length, then JSON ----

def send(sock: socket.socket, message: dict, fds: list[int] = ()) -> None:
    data = json.dumps(message).encode()
    frame = struct.pack("!I", len(data)) + data
    if fds:  # sendmsg may send part of a large frame: the rest follows
        frame = frame[socket.send_fds(sock, [frame], list(fds)):]
    sock.sendall(frame)


def receive(sock: socket.socket, max_bytes: int = 256 << 20) -> tuple[dict | None, list[int]]:
    """One message and the descriptors sent with it; (None, []) when the grader has gone."""
    head, fds, _, _ = socket.recv_fds(sock, 4, 8)
    if len(head) < 4:
        head += _exactly(sock, 4 - len(head)) if head else b""
    if len(head) < 4:
        return None, fds
    size = struct.unpack("!I", head)[0]
    if size > max_bytes:
        raise ValueError("message too large")
    return json.loads(_exactly(sock, size)), fds


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, got = [], 0
    while got < size:
        chunk = sock.recv(min(size - got, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


# ---- the server ----

def preload(lab_id: str) -> None:
    """Everything a submission would import first: imported once, shared by every child."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"  # before NumPy loads its BLAS: one thread per submission
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.font_manager
    import matplotlib.pyplot
    import numpy  # noqa: F401
    from IPython.core.interactiveshell import InteractiveShell  # noqa: F401

    from survlab import checks, labs  # noqa: F401

    lab = labs.get(lab_id)  # the lab's module and what it imports (scikit-image for Lab 3)
    for step in lab.warm_up:  # its seeded data, computed once for every child
        step()


def serve(sock: socket.socket, config: dict) -> None:
    while True:
        message, fds = receive(sock)
        if message is None:
            return
        if message.get("op") != "run":
            for fd in fds:
                os.close(fd)
            send(sock, {"error": "unknown request"})
            continue
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                sock.close()
                child(message, fds, config)
            finally:
                os._exit(125)
        for fd in fds:
            os.close(fd)
        send(sock, {"started": pid})
        finish, more = receive(sock)
        for fd in more:
            os.close(fd)
        grace = float((finish or {}).get("grace", 0))
        send(sock, {"exit": _reap(pid, grace)})
        if finish is None:
            return


def _reap(pid: int, grace: float) -> int:
    """Wait up to ``grace`` seconds for the child, then kill it; its exit code (-signal if killed)."""
    deadline = time.monotonic() + grace
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)


def self_test(config: dict) -> str:
    """Run the child's isolation steps once, before saying ready: '' or what failed."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            enter_namespaces(config)
            inner = os.fork()
            if inner == 0:
                try:
                    lock_down(config, memory_bytes=256 << 20)
                    if config["isolate"] and libc().syscall(SYSCALLS[os.uname().machine]["keyctl"], 0, -3, 0) != -1:
                        raise OSError("the seccomp filter let keyctl through")
                    os.write(write, b"ok:%d" % os.getpid())
                except BaseException as err:  # noqa: BLE001  (reported as the problem)
                    os.write(write, f"{type(err).__name__}: {err}".encode()[:500])
                finally:
                    os._exit(0)
            os._exit(os.waitstatus_to_exitcode(os.waitpid(inner, 0)[1]) & 0xFF)
        except BaseException as err:  # noqa: BLE001  (reported to the grader as the problem)
            os.write(write, f"{type(err).__name__}: {err}".encode()[:500])
            os._exit(1)
    os.close(write)
    answer = b""
    while chunk := os.read(read, 4096):
        answer += chunk
    os.close(read)
    os.waitpid(pid, 0)
    if answer == b"ok:1" or (answer.startswith(b"ok:") and not config["isolate"]):
        return ""
    return answer.decode(errors="replace") or "the self-test child ended without an answer"


# ---- the child: isolation ----

def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, options: str | None) -> None:
    _check(libc().mount(source and source.encode(), target.encode(), fstype and fstype.encode(),
                        ctypes.c_ulong(flags), options and options.encode()), f"mount {target}")


def enter_namespaces(config: dict) -> None:
    """New user, mount, PID (for the next fork), network, IPC and UTS namespaces, then a private
    filesystem view: fresh tmpfs on the folder, /tmp and /dev/shm, an empty read-only /proc."""
    if not config["isolate"]:
        return
    uid, gid = os.getuid(), os.getgid()
    libc().prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # after setuid the kernel made us undumpable: our own maps need it
    _check(libc().unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS),
           "unshare")
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE, None)
    size = int(config.get("folder_bytes", 256 << 20))
    owner = f"uid={uid},gid={gid}"
    _mount("tmpfs", FOLDER, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=0700,{owner}")
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode=0700,{owner}")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, f"size={size},mode=0700,{owner}")
    _mount("tmpfs", "/proc", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k,mode=0555")
    libc().sethostname(b"sandbox", 7)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """No capability left (bounding, ambient, effective, permitted, inheritable), no new privileges."""
    for cap in range(64):
        if libc().prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1 and ctypes.get_errno() == errno.EINVAL:
            break
    libc().prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header, data = _CapHeader(0x20080522, 0), (_CapData * 2)()
    _check(libc().syscall(126 if os.uname().machine == "x86_64" else 91, ctypes.byref(header), data), "capset")
    _check(libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


# ---- seccomp: the system calls a submission never needs (after Docker's default profile) ----

# Denied with EPERM: keyrings, tracing and reading other processes, kernel extension points
# (BPF, perf, modules, kexec), io_uring, userfaultfd, mounts and namespaces, clock and
# machine settings. clone() with a namespace flag is denied too; clone3() gets ENOSYS (its
# flags are in memory a filter cannot read), so the C library falls back to clone().
_DENIED = ("ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "perf_event_open", "bpf",
           "userfaultfd", "keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root", "chroot",
           "unshare", "setns", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick",
           "mount_setattr", "open_by_handle_at", "name_to_handle_at", "kexec_load", "kexec_file_load",
           "init_module", "finit_module", "delete_module", "io_uring_setup", "io_uring_enter",
           "io_uring_register", "acct", "swapon", "swapoff", "reboot", "sethostname", "setdomainname",
           "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog", "quotactl",
           "lookup_dcookie", "vhangup", "move_pages", "fanotify_init")
SYSCALLS = {  # numbers per architecture (x86_64: arch/x86/entry/syscalls; aarch64: asm-generic/unistd.h)
    "x86_64": dict(ptrace=101, process_vm_readv=310, process_vm_writev=311, kcmp=312, pidfd_getfd=438,
                   perf_event_open=298, bpf=321, userfaultfd=323, keyctl=250, add_key=248, request_key=249,
                   mount=165, umount2=166, pivot_root=155, chroot=161, unshare=272, setns=308, open_tree=428,
                   move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442,
                   open_by_handle_at=304, name_to_handle_at=303, kexec_load=246, kexec_file_load=320,
                   init_module=175, finit_module=313, delete_module=176, io_uring_setup=425, io_uring_enter=426,
                   io_uring_register=427, acct=163, swapon=167, swapoff=168, reboot=169, sethostname=170,
                   setdomainname=171, settimeofday=164, clock_settime=227, clock_adjtime=305, adjtimex=159,
                   syslog=103, quotactl=179, lookup_dcookie=212, vhangup=153, move_pages=279, fanotify_init=300,
                   clone=56, clone3=435, socket=41),
    "aarch64": dict(ptrace=117, process_vm_readv=270, process_vm_writev=271, kcmp=272, pidfd_getfd=438,
                    perf_event_open=241, bpf=280, userfaultfd=282, keyctl=219, add_key=217, request_key=218,
                    mount=40, umount2=39, pivot_root=41, chroot=51, unshare=97, setns=268, open_tree=428,
                    move_mount=429, fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442,
                    open_by_handle_at=265, name_to_handle_at=264, kexec_load=104, kexec_file_load=294,
                    init_module=105, finit_module=273, delete_module=106, io_uring_setup=425, io_uring_enter=426,
                    io_uring_register=427, acct=89, swapon=224, swapoff=225, reboot=142, sethostname=161,
                    setdomainname=162, settimeofday=170, clock_settime=112, clock_adjtime=266, adjtimex=171,
                    syslog=116, quotactl=60, lookup_dcookie=18, vhangup=58, move_pages=239, fanotify_init=262,
                    clone=220, clone3=435, socket=198),
}
AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET \
    | 0x02000000 | 0x00000080  # CLONE_NEWCGROUP, CLONE_NEWTIME
SOCKET_FAMILIES = (1, 2, 10)  # AF_UNIX, AF_INET, AF_INET6; and AF_NETLINK for routing only (no netfilter, no packet)
AF_NETLINK, NETLINK_ROUTE = 16, 0
_RET_KILL, _RET_ALLOW, _RET_ERRNO = 0x80000000, 0x7FFF0000, 0x00050000
_LD_W_ABS, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06


def seccomp_program(machine: str | None = None) -> bytes:
    """The filter as classic BPF (struct sock_filter[]); ValueError on an architecture we do not know."""
    machine = machine or os.uname().machine
    if machine not in SYSCALLS:
        raise ValueError(f"no seccomp filter for the {machine} architecture")
    numbers = SYSCALLS[machine]
    code: list[tuple[int, int, int, int]] = []

    def op(kind, k=0, jt=0, jf=0):
        code.append((kind, jt, jf, k))

    op(_LD_W_ABS, 4)  # seccomp_data.arch: another ABI (i386 on x86-64, arm32 on arm64) is killed
    op(_JEQ, AUDIT_ARCH[machine], 1, 0)
    op(_RET, _RET_KILL)
    op(_LD_W_ABS, 0)  # seccomp_data.nr
    if machine == "x86_64":
        op(_JGE, 0x40000000, 0, 1)  # the x32 ABI's numbers
        op(_RET, _RET_ERRNO | errno.EPERM)
    for name in _DENIED:
        op(_JEQ, numbers[name], 0, 1)
        op(_RET, _RET_ERRNO | errno.EPERM)
    op(_JEQ, numbers["clone3"], 0, 1)
    op(_RET, _RET_ERRNO | errno.ENOSYS)
    op(_JEQ, numbers["clone"], 0, 4)  # clone(flags, ...): flags in the low word of args[0]
    op(_LD_W_ABS, 16)
    op(_JSET, NAMESPACE_FLAGS, 0, 1)
    op(_RET, _RET_ERRNO | errno.EPERM)
    op(_RET, _RET_ALLOW)
    op(_JEQ, numbers["socket"], 0, 6 + len(SOCKET_FAMILIES))  # socket(family, type, protocol)
    op(_LD_W_ABS, 16)
    for i, family in enumerate(SOCKET_FAMILIES):
        op(_JEQ, family, len(SOCKET_FAMILIES) - i + 3, 0)  # to the final allow
    op(_JEQ, AF_NETLINK, 0, 2)
    op(_LD_W_ABS, 32)  # the protocol (args[2]): routing (interface names) only
    op(_JEQ, NETLINK_ROUTE, 1, 0)
    op(_RET, _RET_ERRNO | errno.EAFNOSUPPORT)
    op(_RET, _RET_ALLOW)
    op(_RET, _RET_ALLOW)  # every other call
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in code)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install_seccomp() -> None:
    """Load the filter into this process (inherited by all it starts; needs no_new_privs)."""
    program = seccomp_program()
    buffer = ctypes.create_string_buffer(program, len(program))
    fprog = _SockFprog(len(program) // 8, ctypes.addressof(buffer))
    _check(libc().prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0), "seccomp")


def join_fresh_keyring() -> None:
    """A new, empty session keyring: the instructor's (inherited from the grader) is no longer ours."""
    number = SYSCALLS.get(os.uname().machine, {}).get("keyctl")
    if number is None or libc().syscall(number, KEYCTL_JOIN_SESSION_KEYRING, None) == -1:
        err = ctypes.get_errno() if number else errno.ENOSYS
        raise OSError(err, f"a new session keyring: {os.strerror(err)}")


def _virtual_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def _resident_size() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def lock_down(config: dict, memory_bytes: int) -> None:
    """In the grandchild, before any student code: capabilities, limits, environment."""
    if sys.platform.startswith("linux"):  # killed with its parent, when the server stops the run
        libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if config["isolate"]:
        drop_capabilities()
    # Address space: what the server already mapped plus the submission's allowance, so that a big
    # allocation or mmap (memfd included) fails in its cell; the cgroup counts what is resident.
    vsize = config.get("vsize") or _virtual_size()
    for limit, value in ((resource.RLIMIT_AS, vsize + memory_bytes), (resource.RLIMIT_FSIZE, memory_bytes),
                         (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NOFILE, 1024)):
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):
            pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large file is an error in its cell, not a kill
    if config["isolate"]:
        with contextlib.suppress(OSError):  # the server's keyring is already fresh; seccomp denies keyctl anyway
            join_fresh_keyring()
        install_seccomp()  # last: nothing of ours needs a denied call after this


def child(message: dict, fds: list[int], config: dict) -> None:
    """The forked child (runs as the server's unprivileged user). Never returns."""
    report_fd, code_fd, cgroup_fds = fds[0], fds[1], fds[2:]
    try:
        for fd in cgroup_fds:  # join the submission's cgroups first: every later allocation is counted
            try:
                os.write(fd, b"0")
            finally:
                os.close(fd)
        enter_namespaces(config)
    except OSError as err:  # nothing of the submission has run: the grader stops the batch
        _emit(report_fd, {"sandbox_error": f"could not isolate the submission: {err}"})
        os._exit(SANDBOX_FAILED)
    folder = FOLDER if config["isolate"] else message["folder"]
    inner = os.fork()
    if inner:
        os.close(report_fd)
        os.close(code_fd)  # only the grandchild ever reads the submission's code
        status = os.waitpid(inner, 0)[1]
        code = os.waitstatus_to_exitcode(status)
        code = code if code >= 0 else 128 - code
        os._exit(1 if code == SANDBOX_FAILED else code)  # student code cannot claim a sandbox failure
    try:
        run_submission(message, report_fd, code_fd, folder, config)
    finally:
        os._exit(125)


def _emit(fd: int, report: dict) -> None:
    data = json.dumps(report, allow_nan=True).encode()
    while data:
        data = data[os.write(fd, data):]


# ---- the grandchild: running the cells ----

class CellTimeoutError(BaseException):
    """Raised in a cell that runs past its time limit (BaseException: `except Exception` in
    the cell does not swallow it)."""


class _CountingSink(io.TextIOBase):
    """Stands in for stdout and stderr: counts what a submission prints and keeps none of it."""

    def __init__(self, limit: int):
        self.limit, self.written = limit, 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        try:
            self.written += len(text)
            return len(text)
        except BaseException:  # noqa: BLE001  (a submission's own object passed to print)
            return 0

    @property
    def truncated(self) -> bool:
        return self.written > self.limit


def _describe(err: BaseException) -> dict[str, str]:
    try:  # a submission's own exception class may fail to print
        evalue = str(err)[:500]
    except BaseException:  # noqa: BLE001
        evalue = "(the error could not be printed)"
    try:
        ename = str(type(err).__name__)[:80]
    except BaseException:  # noqa: BLE001
        ename = "Exception"
    return {"ename": ename, "evalue": evalue}


def _on_alarm(signum, frame):
    raise CellTimeoutError("the cell ran past its time limit")


MAX_DEPTH, MAX_ITEMS, MAX_TEXT = 20, 10_000, 10_000


class Unreadable(Exception):
    """An answer that cannot leave as plain data; the message says why, for the student."""


def plain(value, depth: int = 0, budget: list | None = None):
    """An answer as plain JSON data; raises Unreadable (or whatever a student's value raises)."""
    budget = budget if budget is not None else [MAX_ITEMS]
    budget[0] -= 1
    if budget[0] < 0:
        raise Unreadable(f"it has more than {MAX_ITEMS} items")
    if value is None or value is Ellipsis:
        return None
    if type(value) is bool:
        return value
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) > MAX_TEXT:
            raise Unreadable(f"text of {len(text)} characters (more than {MAX_TEXT})")
        return text.encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, numbers.Integral):
        number = int(value)
        if number.bit_length() > 1000:
            raise Unreadable("a whole number far too large to compare")
        if abs(number) > 2 ** 1023:
            raise Unreadable("a whole number too large to be a floating-point number")
        return number
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise Unreadable(f"not a finite number ({number!r})")
        return number
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        return plain(value.item(), depth, budget)
    if isinstance(value, (list, tuple)):
        if depth >= MAX_DEPTH:
            raise Unreadable(f"a list nested more than {MAX_DEPTH} deep")
        return [plain(v, depth + 1, budget) for v in list(value)[:MAX_ITEMS + 1]]
    raise Unreadable(f"a value of type {str(type(value).__name__)[:60]}, not a number or text")


def collect(lab, namespace: dict, timeout: float) -> dict:
    """Each answer read on its own, under its own time limit: one odd value costs only itself."""
    answers = {}
    for name in lab.answer_names:
        if name not in namespace:
            continue
        signal.setitimer(signal.ITIMER_REAL, max(1.0, min(timeout, 10.0)))
        try:
            value = plain(namespace[name])
            json.dumps(value)  # it must leave as JSON
            answers[name] = value
        except Unreadable as why:
            answers[name] = {"unreadable": str(why)}
        except BaseException as err:  # noqa: BLE001  (RecursionError, a raising __float__, the alarm)
            answers[name] = {"unreadable": f"reading it raised {_describe(err)['ename']}"}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return answers


def read_code(fd: int) -> list:
    """The submission's cells, [[index, source], ...], as the grader wrote them to the pipe."""
    chunks, size = [], 0
    while chunk := os.read(fd, 1 << 20):
        size += len(chunk)
        if size > MAX_CODE_BYTES:
            raise ValueError("the submission's code is larger than the sandbox accepts")
        chunks.append(chunk)
    os.close(fd)
    cells = json.loads(b"".join(chunks))["cells"]
    return [[int(index), str(source)] for index, source in cells]


def run_submission(message: dict, report_fd: int, code_fd: int, folder: str, config: dict) -> None:
    """PID 1 of the submission's namespaces (or a plain child without isolation). Never returns."""
    timeout = float(message["timeout"])
    memory_bytes = int(message["memory_mb"]) << 20
    try:
        message = {**message, "cells": read_code(code_fd)}  # here, after the fork: never in the server
        os.setsid()  # its own session and process group: kill(0) or killpg reach nothing of ours
        os.dup2(report_fd, REPORT_FD)
        if report_fd != REPORT_FD:
            os.close(report_fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.closerange(REPORT_FD + 1, 1 << 16)  # the server's socket and anything else inherited
        lock_down(config, memory_bytes)
        os.chdir(folder)
        os.makedirs(".ipython", exist_ok=True)
        os.environ.clear()
        os.environ.update({"HOME": folder, "TMPDIR": "/tmp" if config["isolate"] else folder,
                           "IPYTHONDIR": folder + "/.ipython", "MPLCONFIGDIR": folder + "/.matplotlib",
                           "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
                           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
        import tempfile
        tempfile.tempdir = os.environ["TMPDIR"]
        with open("submission.ipynb", "w", encoding="utf-8") as f:
            f.write(message.get("notebook_text", ""))
        dumps = json.dumps  # taken before any student code can replace it
        report = run_cells(message, timeout)
        data = dumps(report).encode()
    except MemoryError:
        data = b'{"error": "memory"}'
    except BaseException as err:  # noqa: BLE001  (our own failure, or one the submission provoked outside its cells)
        data = json.dumps({"error": "{ename}: {evalue}".format(**_describe(err))}).encode()
    try:
        while data:
            data = data[os.write(REPORT_FD, data):]
    finally:
        os._exit(0)  # no interpreter shutdown: atexit hooks of the submission do not run


_SHELL = None


def make_shell():
    """An IPython shell, made in the server before any submission (each child gets its own copy
    by fork, with an empty namespace): making one costs about 0.1 s."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    os.makedirs(os.environ["IPYTHONDIR"], exist_ok=True)
    shell = InteractiveShell(config=config, ipython_dir=os.environ["IPYTHONDIR"])
    # Nobody reads the tracebacks (output is discarded) and formatting them costs ~0.3 s each;
    # run_cell records the error in its result either way.
    shell.showtraceback = lambda *args, **kwargs: None
    shell.showsyntaxerror = lambda *args, **kwargs: None
    return shell


def run_cells(message: dict, timeout: float) -> dict:
    import matplotlib.pyplot as plt

    from survlab import labs

    lab = labs.get(message["lab"])
    shell = _SHELL or make_shell()
    sink = _CountingSink(OUTPUT_LIMIT_BYTES)
    sys.stdout = sys.stderr = sink
    signal.signal(signal.SIGALRM, _on_alarm)
    errors = []
    for index, source in message["cells"]:
        failure = None
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            result = shell.run_cell(source, silent=True)
            failure = result.error_before_exec or result.error_in_exec
        except CellTimeoutError as err:  # the alarm fired outside the cell's own code
            failure = err
        except BaseException as err:  # noqa: BLE001  (SystemExit and the like raised past IPython)
            failure = err
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            plt.close("all")  # as Jupyter's inline backend does after every cell
        except BaseException:  # noqa: BLE001
            pass
        if failure is not None and len(errors) < MAX_ERRORS:
            errors.append({"index": index, **_describe(failure)})
    answers = collect(lab, shell.user_ns, timeout)
    return {"answers": answers, "errors": errors, "output_truncated": sink.truncated}


# ---- start-up ----

def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)


def main() -> None:
    config = json.loads(sys.argv[1])
    sock = socket.socket(fileno=int(config["fd"]))
    keyring_problem = ""
    if config["isolate"]:
        try:  # before anything else: the session keyring inherited from the grader is the instructor's
            join_fresh_keyring()
        except OSError as err:
            keyring_problem = str(err)
    if config.get("drop_to") is not None and os.geteuid() == 0:
        drop_privileges(*config["drop_to"])
    sys.path[:0] = config["path"]
    os.environ.clear()
    os.environ.update({"HOME": "/tmp", "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
                       "MPLCONFIGDIR": config["mplconfigdir"], "MPLBACKEND": "Agg"})
    if config.get("fontlist"):
        import shutil
        os.makedirs(config["mplconfigdir"], exist_ok=True)
        try:
            shutil.copy(config["fontlist"], config["mplconfigdir"])
        except OSError:
            pass
    try:
        preload(config["lab"])
        global _SHELL
        os.environ["IPYTHONDIR"] = "/tmp/ipython" if config["isolate"] else config["mplconfigdir"] + "-ipython"
        _SHELL = make_shell()
        problem = keyring_problem or self_test(config)
    except BaseException as err:  # noqa: BLE001
        problem = f"the sandbox could not load the course library: {type(err).__name__}: {err}"
    if config["isolate"]:
        libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)  # nothing of ours can be traced or read through /proc
    config["vsize"] = _virtual_size()
    send(sock, {"ready": not problem, "problem": problem, "vsize": config["vsize"], "rss": _resident_size()})
    if not problem:
        serve(sock, config)
    # The grader has hung up: leave without tearing down the loaded libraries (tenths of a second
    # per lane, which the grader would wait for).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
