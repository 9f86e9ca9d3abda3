#!/usr/bin/python3
"""Writes the Hugging Face GPT-2 fixture that HfGpt2GoldenTest imports into diloco4j.

Run from the repository root with Debian's Python (numpy only):
    /usr/bin/python3 model/src/test/python/make_hf_fixture.py

A small random GPT-2 (vocab 256, 2 layers, d 32, 2 heads, context 16) in HF's layout and names,
every tensor drawn at a scale that makes it matter (random LayerNorm gains and biases too, so a
swapped or untransposed tensor moves the logits), and its logits on a fixed batch computed by
hf_gpt2_reference.py. Writes to model/src/test/resources/golden/:
    hf-gpt2-small.safetensors    the model, tensors in HF's order, no lm_head (tied), no attn.bias buffers
    hf-gpt2-small.properties     config, the batch (2 × 16 ids), and how far gelu_new's logits are
    hf-gpt2-small-logits.f32     logits (2, 16, 256), little-endian float32
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_gpt2_reference as ref  # noqa: E402

VOCAB, LAYERS, D, HEADS, CONTEXT, BATCH = 256, 2, 32, 2, 16, 2
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")


def random_model(rng):
    def normal(std, *shape):
        return (rng.standard_normal(shape) * std).astype(np.float32)

    def gain():
        return (1 + rng.standard_normal(D) * 0.2).astype(np.float32)

    t = {"transformer.wte.weight": normal(0.25, VOCAB, D), "transformer.wpe.weight": normal(0.3, CONTEXT, D)}
    for i in range(LAYERS):
        h = f"transformer.h.{i}."
        t[h + "ln_1.weight"], t[h + "ln_1.bias"] = gain(), normal(0.1, D)
        t[h + "attn.c_attn.weight"], t[h + "attn.c_attn.bias"] = normal(0.3, D, 3 * D), normal(0.1, 3 * D)
        t[h + "attn.c_proj.weight"], t[h + "attn.c_proj.bias"] = normal(0.2, D, D), normal(0.1, D)
        t[h + "ln_2.weight"], t[h + "ln_2.bias"] = gain(), normal(0.1, D)
        t[h + "mlp.c_fc.weight"], t[h + "mlp.c_fc.bias"] = normal(0.4, D, 4 * D), normal(0.1, 4 * D)
        t[h + "mlp.c_proj.weight"], t[h + "mlp.c_proj.bias"] = normal(0.2, 4 * D, D), normal(0.1, D)
    t["transformer.ln_f.weight"], t["transformer.ln_f.bias"] = gain(), normal(0.1, D)
    return t


def main():
    rng = np.random.default_rng(2615)
    tensors = random_model(rng)
    ids = rng.integers(0, VOCAB, size=(BATCH, CONTEXT))
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "hf-gpt2-small.safetensors")
    ref.write_safetensors(path, tensors)
    reread = ref.read_safetensors(path)
    assert all(np.array_equal(reread[k], v) for k, v in tensors.items())

    out = ref.logits(reread, HEADS, ids)
    approx = ref.logits(reread, HEADS, ids, activation=ref.gelu_new)
    out.astype("<f4").tofile(os.path.join(OUT, "hf-gpt2-small-logits.f32"))
    with open(os.path.join(OUT, "hf-gpt2-small.properties"), "w") as f:
        f.write("# Written by model/src/test/python/make_hf_fixture.py (numpy %s); do not edit.\n" % np.__version__)
        for k, v in [("vocab", VOCAB), ("layers", LAYERS), ("dModel", D), ("heads", HEADS), ("context", CONTEXT),
                     ("batch", BATCH)]:
            f.write(f"{k}={v}\n")
        f.write("ids=" + ",".join(str(i) for i in ids.ravel()) + "\n")
        f.write("maxAbsLogit=%r\n" % float(np.abs(out).max()))
        # What the tanh-approximate GELU would change: the test's tolerance must be far below it.
        f.write("maxAbsDiffWithGeluNew=%r\n" % float(np.abs(out - approx).max()))
    print("max |logit|", np.abs(out).max(), "max |gelu - gelu_new| on logits", np.abs(out - approx).max())


if __name__ == "__main__":
    main()
