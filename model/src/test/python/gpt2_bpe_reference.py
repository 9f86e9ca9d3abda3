#!/usr/bin/env python3
"""Independent reference for GPT-2 BPE (r50k_base): writes src/test/resources/data/gpt2-golden.tsv.

A from-scratch byte-level BPE (pre-tokenize with the GPT-2 pattern, then repeatedly merge the adjacent
pair whose concatenation has the lowest rank) over the r50k_base rank file, read from the jtokkit jar.
Only the rank table is shared with jtokkit; the algorithm is written here. Python's `re` has no \\p{L},
so letters are [^\\W\\d_] and numbers \\d: exact for the texts below (no combining marks, no non-decimal
numerals). Run from the module folder:  /usr/bin/python3 src/test/python/gpt2_bpe_reference.py
"""
import base64
import os
import re
import zipfile

JAR = os.path.expanduser("~/.m2/repository/com/knuddels/jtokkit/1.1.0/jtokkit-1.1.0.jar")
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "data", "gpt2-golden.tsv")

PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")

TEXTS = [
    "Hello world",
    "hello world",
    "The quick brown fox jumps over the lazy dog.",
    "I'll say it's 2024, they've won 3-1 and we'd    rather not!",
    "Die Kommission hat über die Maßnahmen für Österreich berichtet.",
    "Monsieur le Président, je voudrais à présent évoquer la sécurité.",
    "Κύριε Πρόεδρε, η Επιτροπή συμφωνεί.",
    "Pan předsedající, děkuji. Łódź, Šiauliai, Rīga, Tallinn: õun.",
    "tabs\tand\nnewlines\n\n  and   spaces  ",
    "literal <|endoftext|> stays text",
    "emoji 🙂 and CJK 欧洲议会 and math x_1 ≤ 2·y",
    "snake_case_name = value__2; // comment",
]


def load_ranks():
    with zipfile.ZipFile(JAR) as z:
        data = z.read("com/knuddels/jtokkit/r50k_base.tiktoken").decode("ascii")
    ranks = {}
    for line in data.splitlines():
        if line.strip():
            tok, rank = line.split()
            ranks[base64.b64decode(tok)] = int(rank)
    return ranks


def bpe(piece, ranks):
    parts = [bytes([b]) for b in piece]
    while len(parts) > 1:
        best, best_rank = None, None
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1])
            if r is not None and (best_rank is None or r < best_rank):
                best, best_rank = i, r
        if best is None:
            break
        parts[best:best + 2] = [parts[best] + parts[best + 1]]
    return [ranks[p] for p in parts]


def encode(text, ranks):
    ids = []
    for m in PATTERN.finditer(text):
        ids.extend(bpe(m.group(0).encode("utf-8"), ranks))
    return ids


def main():
    ranks = load_ranks()
    assert len(ranks) == 50256, len(ranks)
    with open(OUT, "w") as f:
        f.write("# GPT-2 r50k_base token ids from src/test/python/gpt2_bpe_reference.py (independent BPE).\n")
        f.write("# Columns: base64 of the UTF-8 text, space-separated ids.\n")
        for t in TEXTS:
            ids = encode(t, ranks)
            f.write(base64.b64encode(t.encode("utf-8")).decode("ascii") + "\t" + " ".join(map(str, ids)) + "\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
