"""Kernel latency as a notebook user feels it, measured with jupyter_client (case 5 of bench/run).

start: seconds from launching the kernel process to the execute_reply of its first cell ("1 + 1"), which covers
process start, the kernel_info handshake and the first evaluation (for the java kernel: JVM, JShell, start-up
imports). round trip: execute_request -> execute_reply of the trivial cell "1 + 1" on a warm kernel.
Both kernels run the same cell; repetitions alternate between them.
"""
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel

CELL = "1 + 1"
TIMEOUT = 120


def installed(name):
    return name in KernelSpecManager().find_kernel_specs()


def run_cell(client):
    """Executes CELL; returns seconds to its execute_reply, then drains IOPub up to idle (not timed)."""
    start = time.perf_counter()
    msg_id = client.execute(CELL, store_history=False)
    while True:
        reply = client.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - start
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"cell {CELL!r} failed: {reply['content']}")
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return elapsed


def start_kernel(name):
    """Returns (seconds from launch to the first execute_reply, manager, client)."""
    start = time.perf_counter()
    manager, client = start_new_kernel(kernel_name=name, startup_timeout=TIMEOUT)
    run_cell(client)
    return time.perf_counter() - start, manager, client


def stop_kernel(manager, client):
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def measure(names, starts, round_trips):
    """For each kernel name: `starts` cold starts and `round_trips` warm round trips, alternating between kernels.

    Returns {name: {"start_ms": [..], "round_trip_ms": [..]}}.
    """
    result = {n: {"start_ms": [], "round_trip_ms": []} for n in names}
    for _ in range(starts):
        for n in names:
            seconds, manager, client = start_kernel(n)
            result[n]["start_ms"].append(seconds * 1e3)
            stop_kernel(manager, client)
    kernels = {n: start_kernel(n)[1:] for n in names}
    try:
        for n in names:  # warm-up: JIT of the evaluation path, first-use caches
            for _ in range(10):
                run_cell(kernels[n][1])
        for _ in range(round_trips):
            for n in names:
                result[n]["round_trip_ms"].append(run_cell(kernels[n][1]) * 1e3)
    finally:
        for manager, client in kernels.values():
            stop_kernel(manager, client)
    return result
