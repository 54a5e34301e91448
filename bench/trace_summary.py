"""Summarises a PyTorch profiler Chrome trace (from either side of the benchmark): self time per operator, and how
much of the traced wall time was spent inside native operators at all; the rest is the caller's own time (Java
and JNI glue, or the Python interpreter).

    python3 bench/trace_summary.py TRACE.json [STEPS] [TOP]
"""
import collections
import json
import sys


def load(path):
    with open(path) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    return [e for e in events if e.get("ph") == "X" and "dur" in e and str(e.get("cat", "cpu_op")) in ("cpu_op", "None", "Operator")
            and not str(e.get("name", "")).startswith("ProfilerStep")]


def summarise(events):
    """Returns (self microseconds per operator, count per operator, top-level microseconds, wall span microseconds)."""
    by_thread = collections.defaultdict(list)
    for e in events:
        by_thread[e.get("tid")].append(e)
    self_us, count = collections.Counter(), collections.Counter()
    top_level, start, end = 0.0, float("inf"), 0.0
    for thread in by_thread.values():
        thread.sort(key=lambda e: (float(e["ts"]), -float(e["dur"])))
        stack = []  # [end, name, child time]
        def pop():
            finished = stack.pop()
            self_us[finished[1]] += finished[3] - finished[2]
        for e in thread:
            ts, dur = float(e["ts"]), float(e["dur"])
            while stack and stack[-1][0] <= ts:
                pop()
            if stack:
                stack[-1][2] += dur
            else:
                top_level += dur
            stack.append([ts + dur, e["name"], 0.0, dur])
            count[e["name"]] += 1
            start, end = min(start, ts), max(end, ts + dur)
        while stack:
            pop()
    return self_us, count, top_level, end - start


def report(path, steps=1, top=15):
    self_us, count, top_level, span = summarise(load(path))
    lines = [f"{path}: {span / steps / 1e3:.2f} ms per step traced, {top_level / steps / 1e3:.2f} ms inside native "
             f"operators ({100 * top_level / span:.0f}%), {sum(count.values()) / steps:.0f} operator calls per step",
             f"{'operator':<40} {'self ms/step':>12} {'calls/step':>10}"]
    for name, us in self_us.most_common(top):
        lines.append(f"{name:<40} {us / steps / 1e3:>12.3f} {count[name] / steps:>10.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1, int(sys.argv[3]) if len(sys.argv) > 3 else 15))
