"""Hugging Face GPT-2, written from its published definition with its parameter names, in numpy.

Independent of diloco4j: nothing here knows diloco4j's names, flat order or (out, in) weight
orientation. It reads and writes model.safetensors as the format's specification says (u64
little-endian header length, JSON header, raw little-endian data) and runs the forward pass of
transformers' GPT2LMHeadModel: Conv1D layers (y = x @ W + b, W stored (in, out)), c_attn's output
split as q | k | v, exact-erf GELU ("gelu"; "gelu_new" is the tanh approximation), LayerNorm
eps 1e-5, head tied to wte. Arithmetic is float64, so the reference carries no fp32 rounding.
"""
import json
import math
import struct

import numpy as np

_erf = np.vectorize(math.erf)


def read_safetensors(path):
    """{name: float32 array} of an F32 safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    header.pop("__metadata__", None)
    data = raw[8 + n:]
    out = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", f"{name}: {t['dtype']}"
        begin, end = t["data_offsets"]
        out[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
    return out


def write_safetensors(path, tensors):
    """{name: array} in the given order, as F32, header compact JSON padded with spaces to 8 bytes."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, a in tensors.items():
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + 4 * a.size]}
        offset += 4 * a.size
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for a in tensors.values():
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())


def gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_new(x):
    """HF's "gelu_new" (tanh approximation); only to show the fixture tells the two apart."""
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def layer_norm(x, p, prefix, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * p[prefix + ".weight"] + p[prefix + ".bias"]


def conv1d(x, p, prefix):
    """HF Conv1D: weight is (in, out), so y = x @ W + b."""
    return x @ p[prefix + ".weight"] + p[prefix + ".bias"]


def logits(tensors, n_head, ids, activation=gelu):
    """Next-token logits (B, T, V), float64, for token ids (B, T)."""
    p = {k: v.astype(np.float64) for k, v in tensors.items()}
    b, t = ids.shape
    n_layer = len({k.split(".")[2] for k in p if k.startswith("transformer.h.")})
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][:t]     # (B, T, C)
    c = x.shape[-1]
    hd = c // n_head
    causal = np.tril(np.ones((t, t), dtype=bool))
    for i in range(n_layer):
        h = f"transformer.h.{i}."
        q, k, v = np.split(conv1d(layer_norm(x, p, h + "ln_1"), p, h + "attn.c_attn"), 3, axis=-1)  # (B, T, C) each
        q, k, v = (a.reshape(b, t, n_head, hd).transpose(0, 2, 1, 3) for a in (q, k, v))         # (B, H, T, hd)
        att = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd)                                        # (B, H, T, T)
        att = np.where(causal, att, -np.inf)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(b, t, c)                                     # (B, T, C)
        x = x + conv1d(y, p, h + "attn.c_proj")
        m = activation(conv1d(layer_norm(x, p, h + "ln_2"), p, h + "mlp.c_fc"))                  # (B, T, 4C)
        x = x + conv1d(m, p, h + "mlp.c_proj")
    return layer_norm(x, p, "transformer.ln_f") @ p["transformer.wte.weight"].T                  # (B, T, V)
