"""Starting Jupyter kernels when many start at once."""
from __future__ import annotations

# A kernel's TCP ports are picked by the client before the kernel binds them, so two kernels
# started at the same moment can pick the same port; one then dies with "Address already in
# use" and the client reports one of these (a known race of the Jupyter protocol; it failed a
# test run here). Such a start is tried once more; any other failure is the notebook's own.
START_FAILURES = ("Kernel didn't respond in", "Kernel died before replying to kernel_info")


def failed_to_start(error: BaseException | str | None) -> bool:
    """Did this error come from a kernel that never started (worth one more try)?"""
    return error is not None and any(text in str(error) for text in START_FAILURES)


def execute(nb, *, timeout: int, cwd) -> None:
    """Run ``nb`` in place in a fresh python3 kernel with ``cwd`` as its folder (as Jupyter
    does), starting the kernel once more if it never started; anything else is raised."""
    from nbclient import NotebookClient

    for attempt in (1, 2):
        try:
            NotebookClient(nb, timeout=timeout, kernel_name="python3", startup_timeout=30,
                           resources={"metadata": {"path": str(cwd)}}).execute()
            return
        except RuntimeError as err:
            if attempt == 2 or not failed_to_start(err):
                raise
