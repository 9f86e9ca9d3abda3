#!/usr/bin/env python3
"""Writes the synthetic run directories the report tests read (app/src/test/resources/report/*/).

Not a real simulator: a small event-driven model of DiLoCo-style training on the four heterogeneous
workers of the async DiLoCo paper's public toy (0.58, 0.75, 1.51, 3.33 s/step), good enough to give
the report realistic shapes: idle time in sync rounds, staleness in async ones, drops, a lost worker,
eval curves that separate. Deterministic (fixed seed). Usage: python3 make_fixtures.py [OUT_DIR]

Besides the three finished runs it writes `interrupted/`: the first 60 % of the async-dn-dylu run's
events as a simulated run leaves them when it is killed (no summary.json, no segments yet, the last
line cut off mid-write).
"""
import json
import math
import os
import random
import sys

P = 3_263_232                 # model parameters
PAYLOAD = 4 * P               # one fp32 pseudo-gradient or parameter set, bytes
TOK_PER_STEP = 2048           # batch 16 x seq 128 per inner step
BUDGET = 30_000_000           # token budget of every run
EVAL_EVERY = 1_500_000        # tokens between evaluations
TRAIN_EVERY = 10              # inner steps between train_loss samples
PEAK_LR = 2e-3                # inner AdamW peak learning rate
WARMUP = 50                   # linear warmup steps of each worker's own counter
DECAY = 2000                  # cosine decay to 10 % of the peak at this step
LN2 = math.log(2)
PROMPT = "Mr President, "
SAMPLES = [
    "I should like to thank the rapporteur for the report on the common fisheries policy, which the Commission "
    "has presented to the House. The Member States must take their responsibility",
    "on behalf of the Group of the European People's Party, I would like to say that we support the proposal "
    "for a directive on the protection of workers. It is a question of the internal market",
    "the next item is the debate on the situation in the Middle East. I give the floor to the Council, and then to "
    "the Commissioner, who will tell us about the \"progress\" made since the summit",
]
WORKERS = [
    dict(name="tokyo", seconds_per_step=0.58, up_mbps=50, down_mbps=200, latency_ms=120, shard=0),
    dict(name="frankfurt", seconds_per_step=0.75, up_mbps=100, down_mbps=100, latency_ms=30, shard=1),
    dict(name="saopaulo", seconds_per_step=1.51, up_mbps=20, down_mbps=80, latency_ms=180, shard=2),
    dict(name="nairobi", seconds_per_step=3.33, up_mbps=10, down_mbps=40, latency_ms=250, shard=3),
]
SHARD_OFFSET = [-0.03, 0.02, 0.05, -0.01]


def up_time(w):
    return w["latency_ms"] / 1000 + PAYLOAD * 8 / (w["up_mbps"] * 1e6)


def down_time(w):
    return w["latency_ms"] / 1000 + PAYLOAD * 8 / (w["down_mbps"] * 1e6)


def lr_at(step):
    """Learning rate of a worker's step `step` (1-based): warmup, then cosine to 10 % at DECAY."""
    s = step - 1
    if s < WARMUP:
        return PEAK_LR * (s + 1) / WARMUP
    if s >= DECAY:
        return PEAK_LR * 0.1
    progress = (s - WARMUP) / (DECAY - WARMUP)
    return PEAK_LR * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def loss_at(tokens, penalty):
    """Held-out loss of the global model after `tokens` tokens; penalty grows in over training."""
    base = 2.35 + 3.25 * (1 + tokens / 1.5e6) ** -0.42
    return base + penalty * tokens / (tokens + 4e6)


class Run:
    def __init__(self, method, seed, penalty):
        self.method = method
        self.seed = seed
        self.rng = random.Random(seed)
        self.penalty = penalty
        self.events = []          # (sort time, order, dict)
        self.n = 0
        self.tokens = 0
        self.bytes_up = 0
        self.bytes_down = 0
        self.version = 0
        self.outer_steps = 0
        self.inner_steps = 0
        self.next_eval = EVAL_EVERY
        self.stats = [dict(name=w["name"], compute_seconds=0.0, communicate_seconds=0.0, idle_seconds=0.0,
                           steps=0, tokens=0, bytes_up=0, bytes_down=0) for w in WORKERS]
        self.histogram = {}
        self.emit(0.0, dict(type="run_start", method=method, clock="simulated", model_params=P, workers=WORKERS))

    def config_toml(self):
        lines = ["# Synthetic fixture written by make_fixtures.py, shaped like a resolved config.", "",
                 "[run]", f'method = "{self.method}"', f"seed = {self.seed}", f"token_budget = {BUDGET}",
                 f"eval_every_tokens = {EVAL_EVERY}", "", "[model]", f"parameters = {P}", "",
                 "[inner]", "optimizer = \"adamw\"", "lr = 4e-4", f"tokens_per_step = {TOK_PER_STEP}", "",
                 "[outer]", "optimizer = \"nesterov\"", "lr = 0.7", "momentum = 0.9", ""]
        for w in WORKERS:
            lines += ["[[workers]]"] + [f"{k} = {json.dumps(v)}" for k, v in w.items()] + [""]
        return "\n".join(lines)

    def emit(self, t, e):
        self.events.append((t, self.n, e))
        self.n += 1

    def segment(self, i, kind, start, end):
        if end - start <= 0:
            return
        key = {"compute": "compute_seconds", "communicate": "communicate_seconds", "idle": "idle_seconds"}[kind]
        self.stats[i][key] += end - start
        self.emit(end, dict(type="segment", worker=WORKERS[i]["name"], kind=kind, start=round(start, 3),
                            end=round(end, 3)))

    def compute(self, i, start, steps):
        """Worker i trains `steps` inner steps from `start`; returns when it is done."""
        w = WORKERS[i]
        sps = w["seconds_per_step"]
        end = start + steps * sps * self.rng.uniform(0.97, 1.05)
        self.segment(i, "compute", start, end)
        done_before = self.stats[i]["steps"]
        for k in range(1, steps + 1):
            step = done_before + k
            if step % TRAIN_EVERY:
                continue
            t = start + (end - start) * k / steps
            loss = loss_at(self.tokens, self.penalty) + SHARD_OFFSET[i] - 0.03 * k / steps + self.rng.gauss(0, 0.07)
            norm = 0.35 + 1.6 * (1 + step / 150) ** -0.8 + abs(self.rng.gauss(0, 0.05))
            tps = 5200 * (1 - 0.15 * i / 3) * self.rng.uniform(0.92, 1.05)   # real throughput on the host
            self.emit(t, dict(type="train_loss", time=round(t, 3), worker=w["name"], step=step, loss=round(loss, 4),
                              lr=float(f"{lr_at(step):.6g}"), grad_norm=round(norm, 4), tokens_per_second=round(tps, 1)))
        self.stats[i]["steps"] += steps
        self.stats[i]["tokens"] += steps * TOK_PER_STEP
        self.inner_steps += steps
        return end

    def upload(self, i, start):
        self.bytes_up += PAYLOAD
        self.stats[i]["bytes_up"] += PAYLOAD
        end = start + up_time(WORKERS[i]) * self.rng.uniform(0.95, 1.2)
        self.segment(i, "communicate", start, end)
        return end

    def download(self, i, start):
        self.bytes_down += PAYLOAD
        self.stats[i]["bytes_down"] += PAYLOAD
        end = start + down_time(WORKERS[i]) * self.rng.uniform(0.95, 1.2)
        self.segment(i, "communicate", start, end)
        return end

    def outer_step(self, t, contributors, staleness, tokens):
        self.outer_steps += 1
        self.version += 1
        self.tokens += tokens
        for s in staleness:
            self.histogram[str(s)] = self.histogram.get(str(s), 0) + 1
        k = len(contributors)
        norm = 0.45 * (1 + self.tokens / 3e6) ** -0.3 * self.rng.uniform(0.9, 1.1)
        self.emit(t, dict(type="outer_step", time=round(t, 3), step=self.outer_steps, version=self.version,
                          fragment=0, contributors=contributors, staleness=staleness,
                          weights=[round(1 / k, 4)] * k, members=self.members, tokens=self.tokens,
                          bytes_up=self.bytes_up, bytes_down=self.bytes_down, delta_norm=round(norm, 4)))
        while self.tokens >= self.next_eval:
            self.evaluate(t + 0.001)
            self.next_eval += EVAL_EVERY

    def evaluate(self, t):
        loss = loss_at(self.tokens, self.penalty) + self.rng.gauss(0, 0.004)
        self.last_loss = loss
        self.last_eval_tokens = self.tokens
        if self.tokens == 0:
            self.initial_loss = loss
        self.emit(t, dict(type="eval", time=round(t, 3), tokens=self.tokens, version=self.version,
                          loss=round(loss, 4), ppl=round(math.exp(loss), 3), bpb=round(loss / LN2, 4),
                          bytes_up=self.bytes_up, bytes_down=self.bytes_down))

    def interrupted(self, out_dir, share):
        """The events up to `share` of the run as a killed simulated run leaves them: no segments, last line cut."""
        end = max(t for t, _, _ in self.events)
        kept = [e for t, _, e in sorted(self.events, key=lambda x: (x[0], x[1]))
                if t <= share * end and e["type"] not in ("segment", "sample")]
        lines = [json.dumps(e, separators=(",", ":")) for e in kept]
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "metrics.jsonl"), "w") as f:
            f.write("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])
        with open(os.path.join(out_dir, "config.toml"), "w") as f:
            f.write(self.config_toml())

    def decision(self, t, kind, member, reason):
        # member -1: the decision concerns the run, not one member (as the coordinator writes it)
        e = dict(type="decision", time=round(t, 3), kind=kind, member=-1 if member is None else member, reason=reason)
        self.emit(t, e)

    def finish(self, out_dir, end_time, wall_seconds):
        k = len(WORKERS)
        reason = f"token budget of {BUDGET} reached ({self.tokens})"
        self.decision(end_time, "stop", None, reason)
        if self.last_eval_tokens != self.tokens:
            self.evaluate(end_time)
        for i, text in enumerate(SAMPLES):
            self.emit(end_time, dict(type="sample", time=round(end_time, 3), version=self.version, index=i, prompt=PROMPT,
                                     text=text, tokens=200, seed=self.seed + i, temperature=0.8, top_k=40))
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "metrics.jsonl"), "w") as f:
            for _, _, e in sorted(self.events, key=lambda x: (x[0], x[1])):
                f.write(json.dumps(e, separators=(",", ":")) + "\n")
        total = {key: sum(s[key] for s in self.stats) for key in ("compute_seconds", "communicate_seconds", "idle_seconds")}
        ddp_steps = self.tokens / (k * TOK_PER_STEP)
        for s in self.stats:
            busy = s["compute_seconds"] + s["communicate_seconds"] + s["idle_seconds"]
            s["utilization"] = round(s["compute_seconds"] / busy, 4)
            for key in ("compute_seconds", "communicate_seconds", "idle_seconds"):
                s[key] = round(s[key], 3)
        summary = dict(
            method=self.method, workers=k, contributing_workers=None, model_params=P, outer_steps=self.outer_steps,
            inner_steps=self.inner_steps, tokens=self.tokens, initial_eval_loss=round(self.initial_loss, 4),
            final_eval_loss=round(self.last_loss, 4), final_eval_ppl=round(math.exp(self.last_loss), 3),
            initial_eval_bpb=round(self.initial_loss / LN2, 4), final_eval_bpb=round(self.last_loss / LN2, 4),
            bytes_up=self.bytes_up, bytes_down=self.bytes_down,
            ddp_bytes_equivalent=int(ddp_steps * 2 * (k - 1) * PAYLOAD),
            simulated_seconds=round(end_time, 3), wall_seconds=wall_seconds,
            compute_utilization=round(total["compute_seconds"] / sum(total.values()), 4),
            stop_reason=reason, staleness_histogram=dict(sorted(self.histogram.items(), key=lambda x: int(x[0]))),
            worker_stats=self.stats)
        with open(os.path.join(out_dir, "config.toml"), "w") as f:
            f.write(self.config_toml())
        with open(os.path.join(out_dir, "summary.json"), "w") as f:
            json.dump(summary, f, indent=2)
            f.write("\n")


def sync_diloco(out):
    """Synchronous DiLoCo, H=30: every round waits for the slowest worker; nairobi is lost once."""
    r = Run("diloco", 1, 0.0)
    r.members = 4
    h = 30
    ready = [0.0] * 4
    for i, w in enumerate(WORKERS):
        r.decision(0.0, "join", i, f"{w['name']} joined generation 1")
    r.evaluate(0.0)
    lost_round, back_round, rnd = 40, 46, 0
    while r.tokens < BUDGET:
        rnd += 1
        members = [i for i in range(4) if not (lost_round <= rnd < back_round and i == 3)]
        r.members = len(members)
        uploaded = {}
        for i in members:
            if rnd == back_round and i == 3:
                r.decision(ready[i], "join", 3, "nairobi rejoined, starts from the current global model")
            done = r.compute(i, ready[i], h)
            if rnd == lost_round - 1 and i == 3:
                r.segment(3, "communicate", done, done + 4.0)
                r.decision(done + 30, "lost", 3, "nairobi: no heartbeat for 30 s (session timeout), round goes on with 3")
                continue
            uploaded[i] = r.upload(i, done)
        t_agg = max(uploaded.values())
        contributors = sorted(uploaded)
        if rnd == lost_round - 1:
            r.members = 3
        r.outer_step(t_agg, contributors, [0] * len(contributors), len(contributors) * h * TOK_PER_STEP)
        for i in contributors:
            r.segment(i, "idle", uploaded[i], t_agg)
            ready[i] = r.download(i, t_agg)
        if rnd == lost_round - 1:
            ready[3] = t_agg
        if rnd == back_round - 1:
            ready[3] = max(ready[:3])
    r.finish(out, max(ready), 1480.6)


def async_run(out, method, seed, penalty, dylu, max_staleness):
    """Async DiLoCo: the server applies each pseudo-gradient on arrival; optional DyLU and staleness bound."""
    r = Run(method, seed, penalty)
    r.members = 4
    h_max = 30
    vmax = 1 / WORKERS[0]["seconds_per_step"]
    steps = [max(1, math.floor((1 / w["seconds_per_step"]) / vmax * h_max)) if dylu else h_max for w in WORKERS]
    for i, w in enumerate(WORKERS):
        r.decision(0.0, "join", i, f"{w['name']} joined; runs {steps[i]} inner steps per round")
    r.evaluate(0.0)
    # Each worker: download (except at t=0) -> compute -> upload -> arrival at the server.
    fetched = [0] * 4
    pending = []  # (arrival time, worker, version fetched, steps)
    for i in range(4):
        done = r.compute(i, 0.0, steps[i])
        pending.append((r.upload(i, done), i, 0, steps[i]))
    round_no = [0] * 4
    while r.tokens < BUDGET:
        pending.sort()
        t, i, v, n = pending.pop(0)
        round_no[i] += 1
        staleness = r.version - v
        if max_staleness is not None and staleness > max_staleness:
            r.decision(t, "drop", i, f"w{i}#{round_no[i]} late: trained from v{v}, now v{r.version} "
                                     f"(staleness {staleness} > {max_staleness})")
        else:
            r.outer_step(t, [i], [staleness], n * TOK_PER_STEP)
        start = r.download(i, t)
        fetched[i] = r.version
        done = r.compute(i, start, steps[i])
        pending.append((r.upload(i, done), i, fetched[i], steps[i]))
    end = max(p[0] for p in pending)
    r.finish(out, end, 1391.2 if dylu else 1405.9)
    return r


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    sync_diloco(os.path.join(root, "diloco"))
    async_run(os.path.join(root, "async-naive"), "async-naive", 2, 0.09, dylu=False, max_staleness=12)
    dylu = async_run(os.path.join(root, "async-dn-dylu"), "async-dn-dylu", 3, -0.005, dylu=True, max_staleness=None)
    dylu.interrupted(os.path.join(root, "interrupted"), 0.6)


if __name__ == "__main__":
    main()
