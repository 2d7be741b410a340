#!/usr/bin/env python3
"""PyTorch twin of `musiclm bench engine`: the workloads B0-B3 of ENGINE-BENCH.md (beside this file), written
with plain torch.nn so the same models run on the same libtorch in PyTorch.

usage: /usr/bin/python3 engine_twin.py [B0|B1|B2|B3|all|params]

Each workload prints one line in the spec's form, e.g.
  B1 seanet-train-step params=7748321 median_s=1.2930 audio_s_per_s=6.19
and `musiclm bench engine --pytorch engine_twin.py` reads its median_s= figure. `params` prints only the
parameter counts of the B1 and B2 models (no timing), which the tests compare with the C# models.
Debian's python3-torch provides torch (libtorch 1.13, the bridge's).
"""
import math
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def median_time(fn, warm, runs):
    """Median wall time of `runs` calls after `warm` untimed ones (the spec's protocol)."""
    for _ in range(warm):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- B1: SEANet encoder/decoder (ENGINE-BENCH.md, B1) ---------------------------------------------------

class ResidualUnit(nn.Module):
    """x + Conv(c/2 -> c, k=1)(ELU(Conv(c -> c/2, k=7, dilation d)(ELU(x))))."""

    def __init__(self, channels, dilation):
        super().__init__()
        self.dilated = nn.Conv1d(channels, channels // 2, 7, dilation=dilation, padding=3 * dilation)
        self.pointwise = nn.Conv1d(channels // 2, channels, 1)

    def forward(self, x):
        return x + self.pointwise(F.elu(self.dilated(F.elu(x))))


def seanet(width=32, ratios=(2, 4, 5, 8), latent=128):
    """The encoder (16,000 samples -> 50 frames of `latent`) followed by the mirrored decoder."""
    layers = [nn.Conv1d(1, width, 7, padding=3)]
    c = width
    for r in ratios:                                   # residual units, then a strided conv that doubles c
        layers += [ResidualUnit(c, 1), ResidualUnit(c, 3), ResidualUnit(c, 9), nn.ELU(),
                   nn.Conv1d(c, 2 * c, 2 * r, stride=r, padding=math.ceil(r / 2))]
        c *= 2
    layers += [nn.ELU(), nn.Conv1d(c, latent, 3, padding=1)]
    layers += [nn.Conv1d(latent, c, 7, padding=3)]
    for r in reversed(ratios):                         # a transposed conv that halves c, then residual units
        layers += [nn.ELU(), nn.ConvTranspose1d(c, c // 2, 2 * r, stride=r, padding=math.ceil(r / 2),
                                                output_padding=r % 2)]
        c //= 2
        layers += [ResidualUnit(c, 1), ResidualUnit(c, 3), ResidualUnit(c, 9)]
    layers += [nn.ELU(), nn.Conv1d(c, 1, 7, padding=3)]
    return nn.Sequential(*layers)


# --- B2, B3: decoder-only transformer (ENGINE-BENCH.md, B2) ---------------------------------------------

class Block(nn.Module):
    """Pre-LayerNorm block: fused q/k/v projection, causal attention, exact-GELU feed-forward."""

    def __init__(self, width, heads, ff):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.out = nn.Linear(width, width)
        self.norm2 = nn.LayerNorm(width)
        self.up = nn.Linear(width, ff)
        self.down = nn.Linear(ff, width)

    def attention(self, x, cache):
        B, T, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=-1)
        q, k, v = (t.view(B, T, self.heads, D // self.heads).transpose(1, 2) for t in (q, k, v))  # (B, h, T, hs)
        if cache is not None:                          # keys and values of earlier positions
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        S = k.shape[2]
        scores = q @ k.transpose(-1, -2) / math.sqrt(D // self.heads)                             # (B, h, T, S)
        if T > 1:                                      # query i sees keys up to S - T + i
            future = torch.ones(T, S, dtype=torch.bool).triu(S - T + 1)
            scores = scores.masked_fill(future, float("-inf"))
        y = scores.softmax(-1) @ v                                                                # (B, h, T, hs)
        return self.out(y.transpose(1, 2).reshape(B, T, D))

    def forward(self, x, cache=None):
        x = x + self.attention(self.norm1(x), cache)
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class TinyLM(nn.Module):
    def __init__(self, vocab=1024, width=512, heads=8, ff=2048, layers=6, max_length=256):
        super().__init__()
        self.tokens = nn.Embedding(vocab, width)
        self.positions = nn.Embedding(max_length, width)
        self.blocks = nn.ModuleList(Block(width, heads, ff) for _ in range(layers))
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)

    def forward(self, idx, caches=None, start=0):
        x = self.tokens(idx) + self.positions(torch.arange(start, start + idx.shape[1]))            # (B, T, D)
        for i, block in enumerate(self.blocks):
            x = block(x, None if caches is None else caches[i])
        return self.head(self.norm(x))                                                          # (B, T, V)


def count(model):
    return sum(p.numel() for p in model.parameters())


# --- the workloads ---------------------------------------------------------------------------------------

def b0():
    a, b = torch.randn(4), torch.randn(4)

    def adds():
        for _ in range(100_000):
            a + b                                      # the result is dropped at once

    t = median_time(adds, warm=1, runs=5)
    print(f"B0 small-op-overhead median_s={t:.4f} us_per_op={t * 1e6 / 100_000:.2f}")


def b1():
    model = seanet()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    x = torch.randn(8, 1, 16000)

    def step():
        opt.zero_grad(set_to_none=False)               # zeroed, not freed: what the C# side does
        F.l1_loss(model(x), x).backward()
        opt.step()

    t = median_time(step, warm=3, runs=10)
    print(f"B1 seanet-train-step params={count(model)} median_s={t:.4f} audio_s_per_s={8 / t:.2f}")


def b2():
    model = TinyLM()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    idx = torch.randint(0, 1024, (8, 256))
    inputs, targets = idx[:, :-1], idx[:, 1:]

    def step():
        opt.zero_grad(set_to_none=False)
        logits = model(inputs)
        F.cross_entropy(logits.reshape(-1, 1024), targets.reshape(-1)).backward()
        opt.step()

    t = median_time(step, warm=3, runs=10)
    print(f"B2 transformer-train-step params={count(model)} median_s={t:.4f} tokens_per_s={8 * 255 / t:.0f}")


def b3():
    model = TinyLM().eval()

    def generate():
        with torch.no_grad():
            caches = [{} for _ in model.blocks]
            token = torch.zeros(1, 1, dtype=torch.long)
            for position in range(255):
                logits = model(token, caches, position)                                         # (1, 1, V)
                token = logits[:, -1].argmax(-1, keepdim=True)

    t = median_time(generate, warm=1, runs=5)
    print(f"B3 kv-cache-greedy-255 median_s={t:.4f} tokens_per_s={255 / t:.1f}")


def params():
    print(f"B1 params={count(seanet())}")
    print(f"B2 params={count(TinyLM())}")


WORKLOADS = {"B0": b0, "B1": b1, "B2": b2, "B3": b3}


def main():
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if len(sys.argv) > 2 or which not in (*WORKLOADS, "all", "params"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(os.cpu_count() or 1)        # every core, as the C# side
    torch.manual_seed(0)
    if which == "params":
        params()
        return
    for name, run in WORKLOADS.items():
        if which in ("all", name):
            torch.manual_seed(0)
            run()
            sys.stdout.flush()


if __name__ == "__main__":
    main()
