#!/usr/bin/python3
"""Writes the GPT golden fixture that GptGoldenTest compares diloco4j against.

Run from the repository root with Debian's PyTorch:
    /usr/bin/python3 model/src/test/python/make_gpt_fixture.py

Small model (vocab 64, d 32, 2 layers, 2 heads, context 16), batch 4, 10 fixed batches. From a
fixed initial θ it trains with torch.optim.AdamW (weight decay on 2-D tensors only), a warmup +
cosine LR multiplier and clip_grad_norm_, and writes to model/src/test/resources/golden/:
    gpt-small.properties     config, hyper-parameters, the 10 losses, pre-clip grad norms
    gpt-small-init.f32       θ₀ in diloco4j's flat layout order (little-endian float32)
    gpt-small-batches.i32    10 × (inputs (4,16), targets (4,16)), little-endian int32
    gpt-small-theta3.f32     θ after 3 steps
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gpt_reference as ref  # noqa: E402

VOCAB, LAYERS, D, HEADS, CONTEXT, BATCH = 64, 2, 32, 2, 16, 4
STEPS, THETA_AT = 10, 3
LR, BETAS, EPS, WD, CLIP = 1e-2, (0.9, 0.95), 1e-8, 0.1, 1.0
WARMUP, DECAY, MIN_RATIO = 3, 10, 0.1
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")


def gpt2_init(model, seed):
    """N(0, 0.02) weights, residual projections / sqrt(2·layers), zero biases, unit LayerNorm gains."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith(".bias"):
                p.zero_()
            elif ".ln" in name or name.startswith("ln_f"):
                p.fill_(1.0)
            else:
                std = 0.02 / (2 * LAYERS) ** 0.5 if name.endswith("proj.weight") else 0.02
                p.copy_(torch.randn(p.shape, generator=g) * std)


def main():
    torch.set_num_threads(1)
    model = ref.Gpt(VOCAB, LAYERS, D, HEADS, CONTEXT)
    gpt2_init(model, seed=1234)
    theta0 = ref.read_flat(model, LAYERS)

    # Learnable rows, so that the losses move: arithmetic progressions mod VOCAB (random start and
    # stride 1..3) with 10% of the tokens replaced by noise. Targets are the inputs shifted by one.
    rng = np.random.default_rng(99)
    batches = []
    for _ in range(STEPS):
        start = rng.integers(0, VOCAB, size=(BATCH, 1))
        stride = rng.integers(1, 4, size=(BATCH, 1))
        seq = (start + stride * np.arange(CONTEXT + 1)) % VOCAB
        noise = rng.random(seq.shape) < 0.1
        seq = np.where(noise, rng.integers(0, VOCAB, size=seq.shape), seq)
        batches.append((seq[:, :-1].astype(np.int64), seq[:, 1:].astype(np.int64)))

    opt = ref.make_optimizer(model, LR, BETAS, EPS, WD)
    losses, norms, theta3 = [], [], None
    for step, (x, y) in enumerate(batches):
        for g in opt.param_groups:
            g["lr"] = LR * ref.lr_multiplier(step, WARMUP, DECAY, MIN_RATIO)
        opt.zero_grad(set_to_none=True)
        loss = model(torch.from_numpy(x), torch.from_numpy(y))
        loss.backward()
        norms.append(torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP).item())
        opt.step()
        losses.append(loss.item())
        if step + 1 == THETA_AT:
            theta3 = ref.read_flat(model, LAYERS)

    os.makedirs(OUT, exist_ok=True)
    theta0.astype("<f4").tofile(os.path.join(OUT, "gpt-small-init.f32"))
    theta3.astype("<f4").tofile(os.path.join(OUT, "gpt-small-theta3.f32"))
    np.concatenate([np.concatenate([x.ravel(), y.ravel()]) for x, y in batches]).astype("<i4").tofile(
        os.path.join(OUT, "gpt-small-batches.i32"))
    with open(os.path.join(OUT, "gpt-small.properties"), "w") as f:
        f.write("# Written by model/src/test/python/make_gpt_fixture.py (PyTorch %s); do not edit.\n" % torch.__version__)
        for k, v in [("vocab", VOCAB), ("layers", LAYERS), ("dModel", D), ("heads", HEADS), ("context", CONTEXT),
                     ("batch", BATCH), ("steps", STEPS), ("thetaAfterSteps", THETA_AT), ("lr", LR),
                     ("beta1", BETAS[0]), ("beta2", BETAS[1]), ("eps", EPS), ("weightDecay", WD),
                     ("gradClip", CLIP), ("warmupSteps", WARMUP), ("decaySteps", DECAY), ("minLrRatio", MIN_RATIO),
                     ("parameters", theta0.size)]:
            f.write(f"{k}={v}\n")
        f.write("losses=" + ",".join(repr(l) for l in losses) + "\n")
        f.write("gradNormsBeforeClip=" + ",".join(repr(n) for n in norms) + "\n")
    print("losses", losses)
    print("grad norms", norms)


if __name__ == "__main__":
    main()
