"""PyTorch peer of the toolkit's benchmark worker (bench/src/org/repro4j/bench/BenchWorker.java).

Speaks the same line protocol on stdin/stdout, builds the same architectures under the same names, trains on the
same data (the files the Java worker exports) with the same optimizer settings, and times steps the same way:
one timestamp (wall clock and process CPU time) after each step's update, warm-up steps dropped, median of the
intervals. Plain eager PyTorch, as a PyTorch user would write it: model(x), F.cross_entropy, loss.backward(),
torch.optim, loss.item() every step (the toolkit reads the loss every step too).

    python3 bench/peer_torch.py THREADS
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

IMAGE_BATCH = 128
TINY_BATCH = 256
MIDDLE_ROW = slice(14 * 28 + 4, 14 * 28 + 24)  # pixels 4..23 of row 14, as BenchData.middleRow()
LM_BATCH = 32
CONTEXT = 64
VOCAB = 4000


def mlp():
    """784-256-256-10 with ReLU, as org.repro4j.models.Mlp(784, 2, 256, 10, RELU)."""
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))


def mlp_tiny():
    """20-64-10 with ReLU on 20 pixels, as Mlp(20, 1, 64, 10, RELU): a step is nearly all fixed cost."""
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Linear(64, 10))


class SmallCnn(nn.Module):
    """As org.repro4j.models.SmallCnn(10, batchNorm=true, 16, 32): per stage conv 3x3 pad 1 -> BN -> ReLU -> max-pool
    2x2, then a linear read-out of the flattened [batch, 32, 7, 7] map. Input [batch, 784] is reshaped first."""

    def __init__(self, channels=(16, 32), classes=10):
        super().__init__()
        stages, cin = [], 1
        for c in channels:
            stages += [nn.Conv2d(cin, c, 3, padding=1), nn.BatchNorm2d(c), nn.ReLU(), nn.MaxPool2d(2, 2)]
            cin = c
        self.stages = nn.Sequential(*stages)
        side = 28 >> len(channels)
        self.readout = nn.Linear(cin * side * side, classes)

    def forward(self, x):
        x = self.stages(x.reshape(x.shape[0], 1, 28, 28))
        return self.readout(x.flatten(1))


class Block(nn.Module):
    """One pre-LN GPT-2 block computed as org.repro4j.models.transformer.TinyTransformerLM does: per-head weights
    W_Q/W_K/W_V [H, d, e] fused into one matmul, causal softmax attention, per-head outputs z_h W_O[h] [b, s, H, d]
    summed over heads, then a GELU MLP."""

    def __init__(self, d, h, e, d_mlp):
        super().__init__()
        self.h, self.e = h, e
        self.ln1 = nn.LayerNorm(d)
        self.W_Q, self.W_K, self.W_V = (nn.Parameter(torch.randn(h, d, e) * 0.02) for _ in range(3))
        self.b_Q, self.b_K, self.b_V = (nn.Parameter(torch.zeros(h, e)) for _ in range(3))
        self.W_O = nn.Parameter(torch.randn(h, e, d) * 0.02)
        self.b_O = nn.Parameter(torch.zeros(d))
        self.ln2 = nn.LayerNorm(d)
        self.W_in = nn.Parameter(torch.randn(d, d_mlp) * 0.02)
        self.b_in = nn.Parameter(torch.zeros(d_mlp))
        self.W_out = nn.Parameter(torch.randn(d_mlp, d) * 0.02)
        self.b_out = nn.Parameter(torch.zeros(d))

    def attention(self, x, mask):
        b, s, d = x.shape
        h, e = self.h, self.e
        w_qkv = torch.stack((self.W_Q, self.W_K, self.W_V)).permute(2, 0, 1, 3).reshape(d, 3 * h * e)
        b_qkv = torch.stack((self.b_Q, self.b_K, self.b_V)).reshape(3 * h * e)
        qkv = (x @ w_qkv + b_qkv).reshape(b, s, 3, h, e)
        q, k, v = qkv[:, :, 0], qkv[:, :, 1], qkv[:, :, 2]
        scores = q.transpose(1, 2) @ k.permute(0, 2, 3, 1) * (1 / math.sqrt(e)) + mask[:s, :s]
        z = (scores.softmax(-1) @ v.transpose(1, 2)).transpose(1, 2)
        per_head = z.permute(2, 0, 1, 3).reshape(h, b * s, e) @ self.W_O
        return per_head.reshape(h, b, s, d).permute(1, 2, 0, 3).sum(2) + self.b_O

    def forward(self, resid, mask):
        mid = resid + self.attention(self.ln1(resid), mask)
        return mid + F.gelu(self.ln2(mid) @ self.W_in + self.b_in) @ self.W_out + self.b_out


class TinyTransformerLM(nn.Module):
    """Token and learned position embeddings, pre-LN blocks, final LayerNorm, untied unembedding W_U [d, V]."""

    def __init__(self, layers, d, heads=4, vocab=VOCAB, context=CONTEXT):
        super().__init__()
        self.W_E = nn.Parameter(torch.randn(vocab, d) * 0.02)
        self.W_pos = nn.Parameter(torch.randn(context, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads, d // heads, 4 * d) for _ in range(layers))
        self.ln_final = nn.LayerNorm(d)
        self.W_U = nn.Parameter(torch.randn(d, vocab) * 0.02)
        self.register_buffer("mask", torch.full((context, context), float("-inf")).triu(1))

    def forward(self, tokens):
        b, s = tokens.shape
        resid = F.embedding(tokens, self.W_E) + self.W_pos[:s]
        for block in self.blocks:
            resid = block(resid, self.mask)
        return self.ln_final(resid) @ self.W_U


def create(name, seed):
    torch.manual_seed(seed)
    if name == "mlp":
        return mlp()
    if name == "mlp-tiny":
        return mlp_tiny()
    if name == "cnn":
        return SmallCnn()
    if name.startswith("lm-"):
        layers, d = name[3:].split("L-d")
        return TinyTransformerLM(int(layers), int(d))
    raise ValueError(f"unknown benchmark model '{name}'")


def op_overhead(ops=1000, rounds=20):
    """Fixed cost of one op: a + b on 1-element tensors, microseconds (median over rounds)."""
    a, b = torch.ones(1), torch.ones(1)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(ops):
            a + b
        times.append((time.perf_counter() - start) / ops * 1e6)
    return median(times)


def loss_of(logits, y):
    """Cross-entropy over every position: [batch, classes] or [batch, seq, vocab] logits."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def train_step(model, opt, batches):
    """One eager training step, as a PyTorch user writes it; returns the loss as a float (a host sync, as the
    toolkit's loop reads its loss every step)."""
    x, y = next(batches)
    loss = loss_of(model(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss.item()


def timings(wall_s, cpu_s):
    """As Stopwatch.json() on the Java side: median wall-clock ms, mean and total CPU ms per interval."""
    cpu_ms = np.asarray(cpu_s) * 1e3
    return {"ms": median(np.asarray(wall_s) * 1e3), "cpu_ms": float(cpu_ms.mean()), "cpu_total_ms": float(cpu_ms.sum())}


def median(values):
    return float(np.median(np.asarray(values)))


class Worker:
    def prepare(self, folder):
        self.images = torch.from_numpy(np.fromfile(os.path.join(folder, "fmnist_x.f32"), dtype="<f4").reshape(-1, 784))
        self.labels = torch.from_numpy(np.fromfile(os.path.join(folder, "fmnist_y.i64"), dtype="<i8"))
        self.middle_row = self.images[:, MIDDLE_ROW].contiguous()
        self.tokens = np.fromfile(os.path.join(folder, "brown.i32"), dtype="<i4").astype(np.int64)
        return {"threads": torch.get_num_threads()}

    def windows(self, rng, batch):
        starts = rng.integers(0, len(self.tokens) - CONTEXT, size=batch)
        w = torch.from_numpy(self.tokens[starts[:, None] + np.arange(CONTEXT + 1)])
        return w[:, :-1], w[:, 1:]

    def image_batches(self, seed, inputs, batch):
        """Shuffled minibatches without replacement, one permutation per epoch, as the toolkit's Batches.shuffled."""
        generator = torch.Generator().manual_seed(seed)
        n = inputs.shape[0]
        while True:
            order = torch.randperm(n, generator=generator)
            for start in range(0, n - batch + 1, batch):
                index = order[start:start + batch]
                yield inputs[index], self.labels[index]

    def batches(self, name, seed):
        if name.startswith("lm-"):
            return self.lm_batches(seed)
        if name == "mlp-tiny":
            return self.image_batches(seed, self.middle_row, TINY_BATCH)
        return self.image_batches(seed, self.images, IMAGE_BATCH)

    def lm_batches(self, seed):
        rng = np.random.default_rng(seed)
        while True:
            yield self.windows(rng, LM_BATCH)

    def setup(self, name, optimizer, seed):
        """The model `name` in training mode, its optimizer (SGD lr 0.05 or Adam lr 1e-3) and its batch stream."""
        model = create(name, seed)
        model.train()
        opt = (torch.optim.SGD(model.parameters(), lr=0.05) if optimizer == "sgd"
               else torch.optim.Adam(model.parameters(), lr=1e-3))
        return model, opt, self.batches(name, seed)

    def train(self, name, optimizer, warmup, steps, seed):
        model, opt, batches = self.setup(name, optimizer, seed)
        ends, cpu_ends = [], []
        for _ in range(warmup + steps):
            if not math.isfinite(train_step(model, opt, batches)):
                raise RuntimeError("loss became non-finite")
            ends.append(time.perf_counter())
            cpu_ends.append(time.process_time())
        return timings(np.diff(ends[warmup:]), np.diff(cpu_ends[warmup:]))

    def trace(self, name, optimizer, warmup, steps, path):
        """PyTorch profiler's Chrome trace of `steps` training steps after `warmup` (compare with the toolkit's)."""
        model, opt, batches = self.setup(name, optimizer, 1)
        for i in range(warmup + steps):
            if i == warmup:
                profiler = torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU])
                profiler.__enter__()
            train_step(model, opt, batches)
        profiler.__exit__(None, None, None)
        profiler.export_chrome_trace(path)
        return {"file": path}

    def profile(self, name, optimizer, warmup, steps, seed):
        """Phases of a step as StepProfile.java splits the toolkit's: batch, forward, loss, backward+update (backward,
        optimizer step, loss.item()); plus the optimizer step alone and the fixed cost of one tiny op."""
        model, opt, batches = self.setup(name, optimizer, seed)
        phases = {k: [] for k in ("batch", "forward", "loss", "backward+update", "step", "update")}
        end = time.perf_counter()
        for i in range(warmup + steps):
            x, y = next(batches)
            t_batch = time.perf_counter()
            logits = model(x)
            t_forward = time.perf_counter()
            loss = loss_of(logits, y)
            t_loss = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            t_backward = time.perf_counter()
            opt.step()
            t_update = time.perf_counter()
            loss.item()
            previous, end = end, time.perf_counter()
            if i >= warmup:
                for key, value in (("batch", t_batch - previous), ("forward", t_forward - t_batch),
                                   ("loss", t_loss - t_forward), ("backward+update", end - t_loss),
                                   ("step", end - previous), ("update", t_update - t_backward)):
                    phases[key].append(value * 1e3)
        update = median(phases.pop("update"))
        return {"phases": {k: median(v) for k, v in phases.items()}, "update_ms": update, "op_us": op_overhead()}

    def infer(self, name, batch, warmup, calls):
        model = create(name, 1)
        model.eval()
        rng = np.random.default_rng(1)
        times, cpu_times = [], []
        with torch.no_grad():
            for call in range(-warmup, calls):
                x = self.windows(rng, batch)[0] if name.startswith("lm-") else self.images[:batch]
                start, cpu_start = time.perf_counter(), time.process_time()
                model(x)
                if call >= 0:
                    times.append(time.perf_counter() - start)
                    cpu_times.append(time.process_time() - cpu_start)
        return timings(times, cpu_times)


def main():
    torch.set_num_threads(int(sys.argv[1]))
    worker = Worker()
    for line in sys.stdin:
        words = line.split()
        try:
            if words[0] == "prepare":
                answer = worker.prepare(words[1])
            elif words[0] == "train":
                answer = worker.train(words[1], words[2], int(words[3]), int(words[4]), int(words[5]))
            elif words[0] == "profile":
                answer = worker.profile(words[1], words[2], int(words[3]), int(words[4]), int(words[5]))
            elif words[0] == "trace":
                answer = worker.trace(words[1], words[2], int(words[3]), int(words[4]), words[5])
            elif words[0] == "infer":
                answer = worker.infer(words[1], int(words[2]), int(words[3]), int(words[4]))
            else:
                raise ValueError(f"unknown command {words[0]}")
        except Exception as e:  # report to the driver, keep serving
            answer = {"error": repr(e)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
