#!/usr/bin/python3
"""Where the PyTorch peer's training step spends its time: wall and CPU seconds per phase, then the
costliest operators of one step under torch.autograd.profiler.

Usage: /usr/bin/python3 bench/python/gpt_peer_phases.py DIR STEPS WARMUP THREADS [knob ...]
  DIR as for gpt_peer.py (written by GptThroughputBench prepare). Knobs change one thing each, to
  test a suspect; none changes what is computed:
    denormals   torch.set_flush_denormal(True)
    foreach     AdamW(foreach=True) (the multi-tensor implementation; 1.13's default is per tensor)
    noprofile   skip the operator profile (one step fewer)
Prints one `phases ...` line per timed step, a mean line, and the profile table. The step is
gpt_reference.train_step cut at its phase boundaries (same calls in the same order).
"""
import os
import sys
import time

import torch

from gpt_peer import load, ref

PHASES = ("zero_grad", "forward", "backward", "clip", "opt_step")


class Clock:
    """Wall and whole-process CPU seconds (all threads) of consecutive phases."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.spent = []

    def lap(self):
        w, c = time.perf_counter(), time.process_time()
        self.spent.append((w - self.wall, c - self.cpu))
        self.wall, self.cpu = w, c


def step(model, opt, x, y, s, lr, schedule):
    """ref.train_step with a lap after each phase; returns (loss, [(wall, cpu)] per phase)."""
    for g in opt.param_groups:
        g["lr"] = lr * ref.lr_multiplier(s, *schedule)
    clock = Clock()
    opt.zero_grad(set_to_none=True)
    clock.lap()
    loss = model(x, y)
    clock.lap()
    loss.backward()
    clock.lap()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    clock.lap()
    opt.step()
    clock.lap()
    return loss.item(), clock.spent


def main():
    d, steps, warmup, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    knobs = set(sys.argv[5:])
    unknown = knobs - {"denormals", "foreach", "noprofile"}
    if unknown:
        sys.exit("gpt_peer_phases: unknown knob(s) %s; known: denormals foreach noprofile" % " ".join(sorted(unknown)))
    torch.set_num_threads(threads)
    if "denormals" in knobs:
        torch.set_flush_denormal(True)
    model, batches, lr, schedule, _ = load(d)
    if "foreach" in knobs:
        decay = [p for p in model.parameters() if p.dim() >= 2]
        no_decay = [p for p in model.parameters() if p.dim() < 2]
        opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                                lr=lr, betas=(0.9, 0.95), eps=1e-8, foreach=True)
    else:
        opt = ref.make_optimizer(model, lr, (0.9, 0.95), 1e-8, 0.1)
    print("torch %s, threads %d (get_num_threads %d), OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s, knobs: %s"
          % (torch.__version__, threads, torch.get_num_threads(), os.environ.get("OMP_NUM_THREADS", "unset"),
             os.environ.get("OPENBLAS_NUM_THREADS", "unset"), " ".join(sorted(knobs)) or "none"), flush=True)
    losses, timed = [], []
    for s in range(warmup + steps):
        x, y = batches[s % len(batches)]
        loss, spent = step(model, opt, x, y, s, lr, schedule)
        losses.append(loss)
        tag = "warmup" if s < warmup else "timed"
        print("phases %s step=%d loss=%.6f " % (tag, s, loss)
              + " ".join("%s=%.2f/%.2f" % (n, w, cpu) for n, (w, cpu) in zip(PHASES, spent))
              + " total=%.2f/%.2f (wall/cpu s)" % (sum(w for w, _ in spent), sum(cpu for _, cpu in spent)), flush=True)
        if s >= warmup:
            timed.append(spent)
    mean = [(sum(st[i][0] for st in timed) / len(timed), sum(st[i][1] for st in timed) / len(timed)) for i in range(len(PHASES))]
    print("mean over %d steps: " % len(timed) + " ".join("%s=%.2f/%.2f" % (n, w, cpu) for n, (w, cpu) in zip(PHASES, mean))
          + " total=%.2f/%.2f (wall/cpu s) losses=%s" % (sum(w for w, _ in mean), sum(cpu for _, cpu in mean),
                                                        ",".join("%.6f" % l for l in losses[:3])), flush=True)
    if "noprofile" not in knobs:
        s = warmup + steps
        x, y = batches[s % len(batches)]
        with torch.autograd.profiler.profile() as prof:
            step(model, opt, x, y, s, lr, schedule)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=18), flush=True)


if __name__ == "__main__":
    main()
