"""PyTorch peer of TrainingStepBenchmark: training steps/s of the Brown LM of notebook 11.

3-layer pre-LN GPT, d_model 64, 4 heads, MLP 256, context 32, vocab 1001, untied unembedding, batch 32,
plain Adam lr 3e-3 on random tokens. Run with Debian's python3-torch:
    /usr/bin/python3 bench/tiny_lm_step.py [steps] [threads]
"""
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, C, D, H, L, M, B = 1001, 32, 64, 4, 3, 256, 32


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.out = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.mlp = nn.Sequential(nn.Linear(D, M), nn.GELU(), nn.Linear(M, D))
        self.register_buffer("mask", torch.full((C, C), float("-inf")).triu(1))

    def forward(self, x):
        b, s, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).view(b, s, 3, H, D // H).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2) / math.sqrt(D // H) + self.mask[:s, :s]).softmax(-1)
        x = x + self.out((att @ v).transpose(1, 2).reshape(b, s, D))
        return x + self.mlp(self.ln2(x))


class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb, self.pos = nn.Embedding(V, D), nn.Parameter(torch.randn(C, D) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(L)])
        self.ln, self.unembed = nn.LayerNorm(D), nn.Linear(D, V, bias=False)

    def forward(self, t):
        return self.unembed(self.ln(self.blocks(self.emb(t) + self.pos[: t.shape[1]])))


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    if len(sys.argv) > 2:
        torch.set_num_threads(int(sys.argv[2]))
    torch.manual_seed(1)
    model = LM()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    warmup = 20
    for i in range(warmup + steps):
        if i == warmup:
            start, cpu_start = time.perf_counter(), time.thread_time()
        t = torch.randint(0, V, (B, C + 1))
        loss = F.cross_entropy(model(t[:, :-1]).reshape(-1, V), t[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads: {steps} steps in {seconds:.2f} s = "
          f"{steps / seconds:.1f} steps/s ({1000 * seconds / steps:.1f} ms/step); this thread's CPU "
          f"{1000 * cpu / steps:.1f} ms/step; last loss {loss.item():.3f}")


if __name__ == "__main__":
    main()
