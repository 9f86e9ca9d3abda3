#!/usr/bin/python3
"""Golden trajectories of PyTorch's SGD-with-momentum for the outer-optimizer tests.

What it is: torch.optim.SGD(params, lr, momentum, dampening=0, nesterov=...) run for STEPS steps
on fixed pseudo-gradients, recording θ and the momentum buffer after every step. The Java tests
(OuterNesterovGoldenTest) replay the same g sequence through OuterNesterov and compare.

Run from the repository root (Debian's python3-torch 1.13):
    /usr/bin/python3 core/src/test/python/make_nesterov_fixture.py
It rewrites core/src/test/resources/golden/*.sgdm.bin.

File format, all little-endian:
    magic   4 bytes  b"SGDM"
    int32   version (1)
    int32   n        number of parameters (all tensors flattened and concatenated, in order)
    int32   steps
    int32   nesterov (1 or 0)
    float32 lr, momentum (as torch's fp32 kernels see them)
    float32[n] theta0
    steps x { float32[n] g ; float32[n] theta after the step ; float32[n] momentum buffer }
"""
import os
import struct

import torch

STEPS = 24
SHAPES = [(20, 10), (100,)]  # two tensors, 300 parameters: per-tensor ops must not matter
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")

CASES = [
    # name, lr, momentum, nesterov, seed
    ("nesterov_lr0.7_mu0.9", 0.7, 0.9, True, 1234),
    ("momentum_lr0.5_mu0.8", 0.5, 0.8, False, 4321),
]


def pseudo_gradients(gen, n, steps):
    """Pseudo-gradients whose scale drifts like a real run's (δ = θ_old − θ_new of H inner steps)."""
    out = []
    for s in range(steps):
        scale = 0.02 * (1.0 + 0.5 * torch.rand((), generator=gen).item())
        g = torch.randn(n, generator=gen, dtype=torch.float32) * scale
        g += 0.005 * torch.randn((), generator=gen)  # a shared drift component that momentum builds up
        if s == 5:
            g[:7] = 0.0  # exact zeros (an untouched parameter)
        out.append(g.to(torch.float32))
    return out


def run_case(name, lr, momentum, nesterov, seed):
    gen = torch.Generator().manual_seed(seed)
    params = [torch.randn(s, generator=gen, dtype=torch.float32).requires_grad_(True) for s in SHAPES]
    n = sum(p.numel() for p in params)
    theta0 = torch.cat([p.detach().reshape(-1) for p in params]).clone()
    gs = pseudo_gradients(gen, n, STEPS)
    opt = torch.optim.SGD(params, lr=lr, momentum=momentum, dampening=0, nesterov=nesterov)
    records = []
    for g in gs:
        off = 0
        for p in params:
            k = p.numel()
            p.grad = g[off:off + k].reshape(p.shape).clone()
            off += k
        opt.step()
        theta = torch.cat([p.detach().reshape(-1) for p in params]).clone()
        buf = torch.cat([opt.state[p]["momentum_buffer"].reshape(-1) for p in params]).clone()
        records.append((g, theta, buf))

    path = os.path.join(OUT, name + ".sgdm.bin")
    with open(path, "wb") as f:
        f.write(b"SGDM")
        f.write(struct.pack("<iiii", 1, n, STEPS, 1 if nesterov else 0))
        f.write(struct.pack("<ff", lr, momentum))
        f.write(theta0.numpy().astype("<f4").tobytes())
        for g, theta, buf in records:
            for t in (g, theta, buf):
                f.write(t.numpy().astype("<f4").tobytes())
    print(f"wrote {path}: n={n} steps={STEPS} nesterov={nesterov} lr={lr} momentum={momentum}")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    print("torch", torch.__version__, "|", torch.__config__.show().split("CPU capability usage:")[-1].split("\n")[0].strip())
    for case in CASES:
        run_case(*case)


if __name__ == "__main__":
    main()
