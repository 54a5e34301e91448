"""Runs the benchmarks of bench/run: the toolkit's worker (Java) and the PyTorch peer, alternating repetitions,
then the kernel latency case; writes build/bench/results.json and results.md and prints the table.

Every figure is the median over repetitions of a per-repetition median (per training step or per forward call,
warm-up excluded), both sides in the same run with the same data, shapes, optimizer and thread count.
"""
import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time

import numpy as np

import kernel_latency
import trace_summary

HERE = os.path.dirname(os.path.abspath(__file__))

# (case, model, optimizer, warm-up steps, measured steps)
TRAINING = [
    ("train mlp 20-64-10 Adam b256 (fixed cost)", "mlp-tiny", "adam", 200, 1000),
    ("train mlp 784-256-256-10 SGD b128", "mlp", "sgd", 20, 100),
    ("train mlp 784-256-256-10 Adam b128", "mlp", "adam", 20, 100),
    ("train cnn 16-32 BN Adam b128", "cnn", "adam", 5, 30),
    ("train lm 2L d64 Adam b32x64", "lm-2L-d64", "adam", 3, 10),
    ("train lm 4L d64 Adam b32x64", "lm-4L-d64", "adam", 3, 10),
    ("train lm 2L d128 Adam b32x64", "lm-2L-d128", "adam", 2, 8),
    ("train lm 4L d128 Adam b32x64", "lm-4L-d128", "adam", 2, 8),
]
# (case, model, batch, warm-up calls, measured calls)
INFERENCE = [
    ("infer mlp b1", "mlp", 1, 50, 300),
    ("infer mlp b256", "mlp", 256, 10, 50),
    ("infer cnn b1", "cnn", 1, 20, 100),
    ("infer cnn b256", "cnn", 256, 3, 10),
] + [(f"infer lm {m[3:].replace('-', ' ')} b{b}", m, b, w, c)  # the smallest and the largest LM
     for m in ("lm-2L-d64", "lm-4L-d128")
     for b, w, c in ((1, 10, 40), (256, 1, 3))]
MIN_CPU_MS = 200
LM_REPS = 3  # LM steps take ~0.1–1 s: three repetitions of 10 steps already average out the machine's noise
TRAIN_TARGET = 1.5
ROUND_TRIP_TARGET = 2.0
START_TARGET_MS = 3000
LM_TOKENS_PER_STEP = 32 * 64


class Worker:
    """A benchmark process speaking the line protocol of BenchWorker.java / peer_torch.py."""

    def __init__(self, name, command, log, threads):
        self.name = name
        self.log = log
        # torch.set_num_threads does not reach every pool: Debian's torch multiplies matrices with OpenBLAS, whose
        # own pthread pool starts one thread per core unless told otherwise, so each library gets the count too.
        env = dict(os.environ, **{v: str(threads) for v in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")})
        with open(log, "w") as err:  # engine warnings (NNPACK, deprecations) go to the log, not the table
            self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                            text=True, env=env)

    def ask(self, *words):
        self.process.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.name} worker exited (code {self.process.wait()}) during "
                                   f"'{' '.join(map(str, words))}'; see {self.log}")
            if line.startswith("{"):
                answer = json.loads(line)
                if "error" in answer:
                    raise RuntimeError(f"{self.name} worker failed on '{' '.join(map(str, words))}': {answer['error']}")
                return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def say(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def row(case, threads, toolkit, peer, theirs):
    """A results.json row from two {"ms", "cpu_ms"} medians (or plain numbers); the CPU-time medians ride along
    under "_cpu" for the Markdown table and are not written to the JSON."""
    ours = toolkit if isinstance(toolkit, dict) else {"ms": toolkit}
    other = theirs if isinstance(theirs, dict) else {"ms": theirs}
    r = {"case": case, "threads": threads, "toolkit_ms": round(ours["ms"], 4), "peer": peer,
         "peer_ms": round(other["ms"], 4), "ratio": round(ours["ms"] / other["ms"], 3)}
    detail = f"ratio {r['ratio']:.2f}"
    if "cpu_ms" in ours and "cpu_ms" in other:
        r["_cpu"] = (ours["cpu_ms"], other["cpu_ms"])
        detail += f", CPU-time ratio {cpu_ratio(r):.2f}"
    say(f"{case} @{threads} threads: {r['toolkit_ms']:.3f} ms vs {r['peer_ms']:.3f} ms ({detail})")
    return r


def cpu_ratio(r):
    ours, theirs = r["_cpu"]
    return ours / theirs


def alternate(toolkit, peer, reps, *request):
    """Runs `request` on both workers `reps` times, toolkit first each time, after one discarded repetition (the
    JVM compiles the training path over the first thousand or so steps; caches and allocators warm up on both
    sides); returns the two medians."""
    ours, theirs = [], []
    for rep in range(reps + 1):
        mine, peers = toolkit.ask(*request), peer.ask(*request)
        if rep > 0:
            ours.append(mine)
            theirs.append(peers)
    return summary(ours), summary(theirs)


def summary(reps):
    """Median over repetitions of the wall-clock median; CPU time per interval only when the repetitions summed at
    least MIN_CPU_MS (the JVM reads CPU time in scheduler ticks)."""
    result = {"ms": float(np.median([r["ms"] for r in reps]))}
    if min(r["cpu_total_ms"] for r in reps) >= MIN_CPU_MS:
        result["cpu_ms"] = float(np.median([r["cpu_ms"] for r in reps]))
    return result


def java_worker(args, threads, *jvm_options):
    return [args.java, *jvm_options, "-Djava.awt.headless=true", "-Dai.djl.offline=true",
            f"-Dai.djl.pytorch.num_threads={threads}", "-cp", args.classpath, "org.repro4j.bench.BenchWorker"]


def start_workers(args, threads):
    toolkit = Worker("toolkit", java_worker(args, threads), os.path.join(args.out, f"toolkit-{threads}t.log"), threads)
    peer = Worker("peer", [sys.executable, os.path.join(HERE, "peer_torch.py"), str(threads)],
                  os.path.join(args.out, f"peer-{threads}t.log"), threads)
    return toolkit, peer


def model_cases(args, threads, data_dir):
    toolkit, peer = start_workers(args, threads)
    peer_name = f"pytorch {peer_version()} eager"
    rows = []
    try:
        got = toolkit.ask("prepare", data_dir)["threads"], peer.ask("prepare", data_dir)["threads"]
        if got != (threads, threads):
            raise RuntimeError(f"asked for {threads} threads, workers report {got} (toolkit, peer)")
        scale = 3 if args.quick else 1
        for case, model, optimizer, warmup, steps in TRAINING:
            if selected(args, case):
                reps = min(args.reps, LM_REPS) if model.startswith("lm") else args.reps
                ours, theirs = alternate(toolkit, peer, reps, "train", model, optimizer, warmup,
                                         max(5, steps // scale), 1)
                rows.append(row(case, threads, ours, peer_name, theirs))
        for case, model, batch, warmup, calls in INFERENCE:
            if selected(args, case):
                reps = min(args.reps, LM_REPS) if model.startswith("lm") else args.reps
                ours, theirs = alternate(toolkit, peer, reps, "infer", model, batch, warmup, max(3, calls // scale))
                rows.append(row(case, threads, ours, peer_name, theirs))
    finally:
        toolkit.close()
        peer.close()
    return rows


def profile_cases(args, threads, data_dir):
    """--profile: per-phase step times, the optimizer update alone, the fixed cost of one op, and an operator-level
    trace of a few steps on each side, for every selected training case. Returns Markdown."""
    toolkit, peer = start_workers(args, threads)
    out = [f"## Where a training step's time goes ({threads} thread{'s' if threads > 1 else ''})", "",
           "Phases are medians in ms per step; `backward+update` also reads the loss and frees the step's arrays. "
           "`update` is the optimizer update of all parameters alone; `op µs` the fixed cost of one tiny operation.", "",
           "| case | side | batch | forward | loss | backward+update | step | update | op µs |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    traces = []
    try:
        toolkit.ask("prepare", data_dir)
        peer.ask("prepare", data_dir)
        for case, model, optimizer, warmup, steps in TRAINING:
            if not selected(args, case):
                continue
            for side, worker in (("repro4j", toolkit), ("pytorch", peer)):
                got = worker.ask("profile", model, optimizer, warmup, steps, 1)
                p = got["phases"]
                out.append(f"| {case} | {side} | {p['batch']:.3f} | {p['forward']:.3f} | {p['loss']:.3f} | "
                           f"{p['backward+update']:.3f} | {p['step']:.3f} | {got['update_ms']:.3f} | {got['op_us']:.1f} |")
            traced = max(3, steps // 5)
            for side, worker in (("repro4j", toolkit), ("pytorch", peer)):
                path = os.path.join(args.out, f"trace-{model}-{optimizer}-{side}.json")
                worker.ask("trace", model, optimizer, warmup, traced, path)
                traces.append(f"{case}, {side}:\n" + trace_summary.report(path, traced, 12))
            say(f"profiled {case}")
    finally:
        toolkit.close()
        peer.close()
    out += ["", "Operator self times from PyTorch's profiler (traces in build/bench/trace-*.json):", "", "```"]
    out += ["\n\n".join(traces), "```"]
    return "\n".join(out) + "\n"


def memory_case(args, data_dir):
    """Resident memory over a long Adam run of the MLP. The Java heap is fixed and pre-touched (-Xms = -Xmx,
    AlwaysPreTouch), so any growth is native memory: with a growable heap, RSS also rises while the JVM enlarges
    its heap, which is not a leak. Returns (steps, samples in MiB, growth in %)."""
    steps, every = (3000, 500) if args.quick else (10_000, 1000)
    worker = Worker("toolkit", java_worker(args, 1, "-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch"),
                    os.path.join(args.out, "toolkit-memory.log"), 1)
    try:
        worker.ask("prepare", data_dir)
        rss = worker.ask("memory", "mlp", "adam", steps, every)["rss_mb"]
    finally:
        worker.close()
    growth = 100 * (rss[-1] - rss[0]) / rss[0]
    say(f"native memory over {steps} steps: {rss[0]:.0f} -> {rss[-1]:.0f} MiB ({growth:+.1f}%)")
    return steps, rss, growth


def kernel_cases(args):
    if not kernel_latency.installed("java"):
        say("kernel 'java' is not installed in JUPYTER_PATH; run ./repro setup (skipping the kernel case)")
        return [], None
    starts, trips = (1, 20) if args.quick else (3, 100)
    result = kernel_latency.measure(["java", "python3"], starts, trips)
    peer = "ipykernel"
    rows = [row("kernel start to first reply", 0, np.median(result["java"]["start_ms"]), peer,
                np.median(result["python3"]["start_ms"])),
            row("kernel trivial cell round trip", 0, np.median(result["java"]["round_trip_ms"]), peer,
                np.median(result["python3"]["round_trip_ms"]))]
    worker = Worker("toolkit", java_worker(args, 1), os.path.join(args.out, "toolkit-jshell.log"), 1)
    try:
        floor = worker.ask("jshell", trips)
    finally:
        worker.close()
    note = (f"JShell floor: a bare `JShell` (local execution) takes {floor['first_ms']:.0f} ms to build and evaluate "
            f"its first snippet and {floor['ms']:.1f} ms per `1 + 1` after warm-up (javac compiles and loads one class "
            f"per snippet); the kernel's round trip cannot go below that.")
    say(note)
    return rows, note


def selected(args, case):
    return not args.only or any(word in case for word in args.only.split(","))


def peer_version():
    import torch
    return torch.__version__.split("a")[0]


def target(r):
    """The issue's target for this row and whether it holds, as table text."""
    if r["case"].startswith("train"):
        return f"≤ {TRAIN_TARGET}×: " + ("ok" if r["ratio"] <= TRAIN_TARGET else "**miss**")
    if "round trip" in r["case"]:
        return f"≤ {ROUND_TRIP_TARGET}×: " + ("ok" if r["ratio"] <= ROUND_TRIP_TARGET else "**miss**")
    if "start" in r["case"]:
        return f"≤ {START_TARGET_MS / 1000:g} s: " + ("ok" if r["toolkit_ms"] <= START_TARGET_MS else "**miss**")
    return ""


def note(r):
    if r["case"].startswith("train lm"):
        return f"{LM_TOKENS_PER_STEP / r['toolkit_ms']:.1f}k vs {LM_TOKENS_PER_STEP / r['peer_ms']:.1f}k tok/s"
    return ""


def thread_choice(rows):
    """Compares the toolkit's training step at each thread count: geometric mean of time relative to 1 thread."""
    train = [r for r in rows if r["case"].startswith("train")]
    counts = sorted({r["threads"] for r in train})
    if len(counts) < 2:
        return None
    by = {(r["case"], r["threads"]): r["toolkit_ms"] for r in train}
    cases = sorted({r["case"] for r in train if all((r["case"], t) in by for t in counts)})
    relative = {t: math.exp(np.mean([math.log(by[(c, t)] / by[(c, counts[0])]) for c in cases])) for t in counts}
    best = min(counts, key=lambda t: relative[t])
    lines = [f"- {t} thread{'s' if t > 1 else ''}: geometric-mean training step time {relative[t]:.2f}× that of "
             f"{counts[0]} thread over {len(cases)} training cases" for t in counts]
    return best, lines


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def markdown(rows, started, load_before, load_after, choice):
    lines = [f"Run {started:%Y-%m-%d %H:%M} on {machine()}; load average {load_before:.1f} before, "
             f"{load_after:.1f} after (the machine is shared: ratios from alternating repetitions are more "
             "trustworthy than absolute times).", "",
             "Times are wall-clock medians in ms per training step or per forward call (warm-up excluded); ratio = "
             "repro4j / peer; CPU-time ratio = the same for process CPU time, which other processes on a shared "
             "machine disturb far less (with 2 threads it also counts spinning workers); threads = intra-op threads of "
             "both sides (0: not applicable).", "",
             "| case | threads | repro4j ms | peer | peer ms | ratio | CPU-time ratio | target | note |",
             "|---|---:|---:|---|---:|---:|---:|---|---|"]
    for r in rows:
        cpu = f"{cpu_ratio(r):.2f}" if "_cpu" in r else ""
        lines.append(f"| {r['case']} | {r['threads']} | {r['toolkit_ms']:.3f} | {r['peer']} | {r['peer_ms']:.3f} | "
                     f"{r['ratio']:.2f} | {cpu} | {target(r)} | {note(r)} |")
    if choice:
        best, detail = choice
        lines += ["", f"Default thread count for the toolkit from this run: **{best}**", ""] + detail
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--java", required=True, help="java executable")
    parser.add_argument("--classpath", required=True, help="class path of the toolkit worker")
    parser.add_argument("--out", required=True, help="output folder, e.g. build/bench")
    parser.add_argument("--threads", default="1,2", help="intra-op thread counts to measure (default 1,2)")
    parser.add_argument("--reps", type=int, default=5, help="repetitions per side and case (default 5)")
    parser.add_argument("--only", help="comma-separated words; run only cases whose name contains one")
    parser.add_argument("--quick", action="store_true", help="a third of the steps and calls, for a smoke check")
    parser.add_argument("--no-kernel", action="store_true", help="skip the kernel latency case")
    parser.add_argument("--profile", action="store_true",
                        help="instead of the comparison, profile the training cases (writes build/bench/profile.md)")
    args = parser.parse_args()

    started = datetime.datetime.now()
    load_before = os.getloadavg()[0]
    data_dir = os.path.join(args.out, "data")
    if args.profile:
        text = "\n".join(profile_cases(args, int(t), data_dir) for t in args.threads.split(","))
        text = f"Profiled {started:%Y-%m-%d %H:%M} on {machine()}; load average {load_before:.1f}.\n\n" + text
        with open(os.path.join(args.out, "profile.md"), "w") as f:
            f.write(text)
        print(text)
        return
    rows = []
    for threads in (int(t) for t in args.threads.split(",")):
        rows += model_cases(args, threads, data_dir)
    memory = memory_case(args, data_dir) if selected(args, "memory") else None
    kernel_note = None
    if not args.no_kernel and selected(args, "kernel"):
        kernel_rows, kernel_note = kernel_cases(args)
        rows += kernel_rows

    choice = thread_choice(rows)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump([{k: v for k, v in r.items() if not k.startswith("_")} for r in rows], f, indent=1)
    table = markdown(rows, started, load_before, os.getloadavg()[0], choice)
    if kernel_note:
        table += "\n" + kernel_note + "\n"
    if memory:
        steps, rss, growth = memory
        with open(os.path.join(args.out, "memory.json"), "w") as f:
            json.dump({"case": "train mlp Adam b128, resident memory", "steps": steps, "rss_mb": rss,
                       "growth_percent": round(growth, 2)}, f, indent=1)
        table += (f"\nNative memory, MLP with Adam for {steps} steps (fixed 512 MiB Java heap): resident set "
                  f"{rss[0]:.0f} MiB after {steps // len(rss)} steps, {rss[-1]:.0f} MiB at the end ({growth:+.1f}%; "
                  f"target < 5%: {'ok' if growth < 5 else '**miss**'}).\n")
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(table)
    print(table)


if __name__ == "__main__":
    main()
