#!/usr/bin/env bash
# The single runs behind EXPERIMENTS.md sections "a. follow-up" and "e. Synchronous DiLoCo against
# DDP" (each a plain `./diloco train`; about 2 h 40 min of real time on 2 cores, 7.9M-token runs
# 7–18 min each). Usage: experiments/followups.sh OUT_DIR   (run from the repository root)
set -euo pipefail
out=${1:?usage: experiments/followups.sh OUT_DIR}
mkdir -p "$out"
r() { local n=$1; shift; [ -f "$out/$n/summary.json" ] || ./diloco train $T "$@" --no-progress --out "$out/$n" > "$out/$n.log" 2>&1; }
FP32="--set outer.codec=fp32 --set outer.down_codec=fp32"

# e. DiLoCo against DDP on the tuning set (seed 101, 983,040 tokens): H, outer lr, iid shards, batch.
T="--set seed=101 --set data.eval_set=tune --set train.token_budget=983040 $FP32"
r gap-diloco-h12 --method diloco --set outer.lr=0.7 --set outer.inner_steps=12
r gap-diloco-h12-lr0.4 --method diloco --set outer.lr=0.4 --set outer.inner_steps=12
r gap-diloco-h6 --method diloco --set outer.lr=0.7 --set outer.inner_steps=6
r gap-diloco-h6-lr0.3 --method diloco --set outer.lr=0.3 --set outer.inner_steps=6
r gap-diloco-h6-lr1-mom0 --method diloco --set outer.lr=1.0 --set outer.momentum=0 --set outer.inner_steps=6
r gap-diloco-h24-iid --method diloco --set outer.lr=0.7 --set outer.inner_steps=24 --set data.shards=iid
r gap-ddp-iid-h24 --method ddp --set train.lr=0.004 --set data.shards=iid --set outer.inner_steps=24
r gap-diloco-h24-b4 --method diloco --set outer.lr=0.7 --set outer.inner_steps=24 --set train.batch=4
r gap-ddp-b4 --method ddp --set train.lr=0.004 --set train.batch=4

# e. At 4× the headline budget (7,864,320 tokens), validation set, seeds 1 and 2.
T="--set train.token_budget=7864320"
for s in 1 2; do
  r long-ddp-s$s --set seed=$s --method ddp --set train.lr=0.004
  r long-diloco-h24-s$s --set seed=$s --method diloco --set outer.lr=0.7 --set outer.inner_steps=24 $FP32
  r long-diloco-q4h48-s$s --set seed=$s --method diloco --set outer.lr=0.7 --set outer.inner_steps=48 --set outer.codec=q4 --set outer.down_codec=bf16
done
# c./e. ≥ 100× fewer bytes at the headline budget: q4 up, bf16 down, H = 48.
T="--set train.token_budget=1966080"
for s in 1 2; do r c-diloco-q4-bf16-h48-s$s --set seed=$s --method diloco --set outer.lr=0.7 --set outer.inner_steps=48 --set outer.codec=q4 --set outer.down_codec=bf16; done

# a. follow-up: DN + DyLU at η 0.7, shards switched (least-sampled) or own, equal and moderate workers.
T="--set train.token_budget=983040 --set outer.inner_steps=24 $FP32"
for h in none moderate; do for s in 1 2; do
  r het-dn-dylu-lr0.7-$h-s$s --set seed=$s --method async-dn-dylu --set outer.lr=0.7 --set sim.heterogeneity=$h
  r het-dn-dylu-lr0.7-own-$h-s$s --set seed=$s --method async-dn-dylu --set outer.lr=0.7 --set sim.heterogeneity=$h --set outer.shard_assignment=own
done; done
# a. follow-up on table 1's workers: own shards, tuned (0.4, 0.7 on the tuning set), then 3 seeds.
T="--set outer.inner_steps=24 $FP32"
for lr in 0.4 0.7; do r hl-dn-dylu-own-tune-lr$lr --set seed=101 --set data.eval_set=tune --set train.token_budget=983040 --method async-dn-dylu --set outer.lr=$lr --set outer.shard_assignment=own; done
for s in 1 2 3; do r hl-dn-dylu-own-lr0.4-s$s --set seed=$s --set train.token_budget=1966080 --method async-dn-dylu --set outer.lr=0.4 --set outer.shard_assignment=own; done
