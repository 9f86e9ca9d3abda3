"""PyTorch reference of diloco4j's GPT and inner optimizer, for golden fixtures and the throughput peer.

Same architecture, parameter names and flat order as org.diloco4j.model.gpt (GptLayout): token +
learned position embeddings, pre-LayerNorm blocks, causal self-attention, 4x GELU MLP, final
LayerNorm, head tied to the token embedding. Runs on Debian's PyTorch 1.13 (/usr/bin/python3),
which lacks F.scaled_dot_product_attention, so attention is written out with a causal mask: the
same math as the fused kernel.

The inner optimizer is torch.optim.AdamW with weight decay on 2-D tensors only, a warmup + cosine
multiplier on the step counter, and clip_grad_norm_.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, c = x.shape
        hd = c // self.heads
        q, k, v = self.qkv(x).split(c, dim=2)                       # (B, T, C) each
        q = q.view(b, t, self.heads, hd).transpose(1, 2)            # (B, H, T, hd)
        k = k.view(b, t, self.heads, hd).transpose(1, 2)
        v = v.view(b, t, self.heads, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(hd))     # (B, H, T, T)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)              # (B, T, C)
        return self.proj(y)


class Mlp(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, 4 * d)
        self.proj = nn.Linear(4 * d, d)

    def forward(self, x):
        return self.proj(F.gelu(self.fc(x)))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = Attention(d, heads)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = Mlp(d)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class Gpt(nn.Module):
    def __init__(self, vocab, layers, d, heads, context):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab, d)
        self.pos_emb = nn.Embedding(context, d)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(d)
        self.register_buffer("positions", torch.arange(context), persistent=False)

    def forward(self, idx, targets):
        b, t = idx.shape
        x = self.tok_emb(idx) + self.pos_emb(self.positions[:t])    # (B, T, C)
        for block in self.blocks:
            x = block(x)
        logits = F.linear(self.ln_f(x), self.tok_emb.weight)        # (B, T, V), tied head
        return F.cross_entropy(logits.view(b * t, -1), targets.view(b * t))


def layout_names(layers):
    """Parameter names in diloco4j's flat order (GptLayout.of)."""
    names = ["tok_emb.weight", "pos_emb.weight"]
    for i in range(layers):
        p = f"blocks.{i}."
        names += [p + s for s in ("ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias",
                                  "attn.proj.weight", "attn.proj.bias", "ln2.weight", "ln2.bias",
                                  "mlp.fc.weight", "mlp.fc.bias", "mlp.proj.weight", "mlp.proj.bias")]
    return names + ["ln_f.weight", "ln_f.bias"]


def ordered_params(model, layers):
    named = dict(model.named_parameters())
    names = layout_names(layers)
    assert sorted(named) == sorted(names), f"parameter names differ: {sorted(named)} vs {sorted(names)}"
    return [named[n] for n in names]


def load_flat(model, layers, flat):
    """θ (1-D float32 numpy array in layout order) into the model's parameters."""
    off = 0
    with torch.no_grad():
        for p in ordered_params(model, layers):
            n = p.numel()
            p.copy_(torch.from_numpy(flat[off:off + n]).view_as(p))
            off += n
    assert off == flat.size, f"θ has {flat.size} floats, model needs {off}"


def read_flat(model, layers):
    return torch.cat([p.detach().reshape(-1) for p in ordered_params(model, layers)]).numpy().astype(np.float32)


def lr_multiplier(step, warmup, decay, min_ratio):
    """LrSchedule.multiplier: linear warmup, cosine to min_ratio at `decay` (0 = constant)."""
    if step < warmup:
        return (step + 1) / warmup
    if decay == 0:
        return 1.0
    if step >= decay:
        return min_ratio
    progress = (step - warmup) / (decay - warmup)
    return min_ratio + 0.5 * (1 + math.cos(math.pi * progress)) * (1 - min_ratio)


def make_optimizer(model, lr, betas, eps, weight_decay):
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr, betas=betas, eps=eps)


def train_step(model, opt, idx, targets, step, peak_lr, schedule, clip):
    """One inner step exactly as GptTrainer does it; returns the loss before the update."""
    for g in opt.param_groups:
        g["lr"] = peak_lr * lr_multiplier(step, *schedule)
    opt.zero_grad(set_to_none=True)
    loss = model(idx, targets)
    loss.backward()
    if clip > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    opt.step()
    return loss.item()
