"""Drives one kernel over the real Jupyter protocol for the JUnit integration tests.

Usage: /usr/bin/python3 kernel_driver.py STEPS.json

STEPS.json: {"kernel": "java", "env": {...}, "steps": [step, ...]}. Each step is one of
  {"execute": CODE, "interrupt_after": SECONDS?, "timeout": SECONDS?}
  {"bad_signature_execute": CODE}   # execute_request signed with a wrong key; must be ignored
  {"sleep": SECONDS}
Prints one JSON object: {"startup_seconds", "first_reply_seconds", "steps": [{"reply", "outputs", "seconds",
"interrupt_latency"?}], "alive"}. "outputs" are the IOPub messages of the request (msg_type + content),
status and execute_input excluded. The kernel is started with JUPYTER_PATH from the environment.
"""

import json
import os
import sys
import time

from jupyter_client.manager import KernelManager
from jupyter_client.session import Session


def collect(kc, msg_id, timeout):
    """IOPub messages for msg_id until its idle status, then the shell reply."""
    outputs = []
    deadline = time.monotonic() + timeout
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status":
            if msg["content"]["execution_state"] == "idle":
                break
            continue
        if kind == "execute_input":
            continue
        outputs.append({"msg_type": kind, "content": msg["content"]})
    while True:
        reply = kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], outputs


def execute(km, kc, step):
    timeout = step.get("timeout", 60)
    start = time.monotonic()
    msg_id = kc.execute(step["execute"], allow_stdin=False)
    result = {}
    if "interrupt_after" in step:
        time.sleep(step["interrupt_after"])
        interrupted = time.monotonic()
        km.interrupt_kernel()
        reply, outputs = collect(kc, msg_id, timeout)
        result["interrupt_latency"] = time.monotonic() - interrupted
    else:
        reply, outputs = collect(kc, msg_id, timeout)
    result.update({"reply": reply, "outputs": outputs, "seconds": time.monotonic() - start})
    return result


def bad_signature_execute(kc, code):
    forger = Session(key=b"not-the-kernel-key", username=kc.session.username)
    forger.send(kc.shell_channel.socket, "execute_request",
                {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                 "allow_stdin": False, "stop_on_error": True})
    return {"sent": True}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    env = dict(os.environ)
    env.update(spec.get("env", {}))
    km = KernelManager(kernel_name=spec.get("kernel", "java"))
    started = time.monotonic()
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    results = {"steps": []}
    try:
        kc.wait_for_ready(timeout=120)
        results["startup_seconds"] = time.monotonic() - started
        for step in spec["steps"]:
            if "execute" in step:
                results["steps"].append(execute(km, kc, step))
                results.setdefault("first_reply_seconds", time.monotonic() - started)
            elif "bad_signature_execute" in step:
                results["steps"].append(bad_signature_execute(kc, step["bad_signature_execute"]))
            elif "sleep" in step:
                time.sleep(step["sleep"])
                results["steps"].append({})
        results["alive"] = km.is_alive()
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
