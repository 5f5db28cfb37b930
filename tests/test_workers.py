"""The worker pool recycles its processes: each task in a fresh one, from the fork server."""

from __future__ import annotations

import os

from profiles_gen.build.workers import WorkerPool, peak_memory_mb


def test_each_task_runs_in_a_fresh_worker_forked_by_the_server() -> None:
    with WorkerPool(1) as pool:
        pids = [pool.submit(os.getpid).result() for _ in range(3)]
        parents = [pool.submit(os.getppid).result() for _ in range(2)]
        peaks = [pool.submit(peak_memory_mb).result() for _ in range(2)]
    assert len(set(pids)) == 3  # no worker took a second task
    assert os.getpid() not in pids
    # forked by the fork server (one process, a child of this one), not by this process
    assert len(set(parents)) == 1 and os.getpid() not in parents
    assert all(0 < peak < 300 for peak in peaks), peaks
