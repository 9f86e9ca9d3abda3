#!/usr/bin/python3
"""PyTorch peer for scripts/bench-gpt: trains the same GPT as diloco4j, from the same θ₀ and batches.

Usage: /usr/bin/python3 bench/python/gpt_peer.py DIR STEPS WARMUP THREADS
  DIR holds meta.properties, init.f32 and batches.i32 written by GptThroughputBench (prepare).
Prints one line: `peer tokens_per_s=<x> cpu_s_per_step=<y> steps=<n> losses=<first 5 losses>`; cpu_s_per_step is
the whole process's CPU time (all threads, user + system) over the timed steps, divided by their number.
The model and optimizer step are model/src/test/python/gpt_reference.py, i.e. PyTorch eager fp32
with explicit masked attention (Debian's PyTorch 1.13 has no scaled_dot_product_attention).
"""
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "model", "src", "test", "python"))
import gpt_reference as ref  # noqa: E402


def load(d):
    """From DIR: the model at θ₀, the batches, the peak learning rate, the schedule, and the tokens per batch."""
    meta = dict(line.strip().split("=", 1) for line in open(os.path.join(d, "meta.properties")) if "=" in line)
    v, layers, c, h, t, b, nb = (int(meta[k]) for k in ("vocab", "layers", "dModel", "heads", "context", "batch", "batches"))
    model = ref.Gpt(v, layers, c, h, t)
    ref.load_flat(model, layers, np.fromfile(os.path.join(d, "init.f32"), dtype="<f4"))
    data = np.fromfile(os.path.join(d, "batches.i32"), dtype="<i4").astype(np.int64).reshape(nb, 2, b, t)
    batches = [(torch.from_numpy(data[i, 0].copy()), torch.from_numpy(data[i, 1].copy())) for i in range(nb)]
    schedule = (int(meta["warmupSteps"]), int(meta["decaySteps"]), float(meta["minLrRatio"]))
    return model, batches, float(meta["lr"]), schedule, b * t


def main():
    d, steps, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    model, batches, lr, schedule, tokens = load(d)
    opt = ref.make_optimizer(model, lr, (0.9, 0.95), 1e-8, 0.1)
    losses = []
    start = cpu = None
    for s in range(warmup + steps):
        if s == warmup:
            start, cpu = time.perf_counter(), time.process_time()
        x, y = batches[s % len(batches)]
        losses.append(ref.train_step(model, opt, x, y, s, lr, schedule, 1.0))
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    print("peer tokens_per_s=%.1f cpu_s_per_step=%.2f steps=%d losses=%s" % (
        steps * tokens / elapsed, cpu / steps, steps, ",".join("%.6f" % l for l in losses[:5])))


if __name__ == "__main__":
    main()
