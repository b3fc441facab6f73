"""Acceptance by draft position from a `bench generation --json` file: for each drafter (fixed k) and batch size, the
fraction of verify steps whose drafts 1..i were all accepted. Usage: plot_positions.py JSON PNG"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = [r for r in json.load(open(sys.argv[1]))["rows"] if r["draft_tokens"] > 0 and not r["adaptive"] and r["batch"] in (1, 8, 64)]
fig, ax = plt.subplots(figsize=(6.5, 4))
for i, drafter in enumerate(sorted({r["drafter"] for r in rows})):
    mine = sorted((r for r in rows if r["drafter"] == drafter), key=lambda r: r["batch"])
    for j, r in enumerate(mine):
        acc = r["acceptance_by_position"]
        ax.plot(range(1, len(acc) + 1), acc, "-o", color=f"C{i}", alpha=1 - 0.6 * j / max(1, len(mine) - 1),
                label=f"{drafter}, batch {r['batch']} (acc. length {r['acceptance_length']:.2f})")
ax.set_xlabel("draft position i")
ax.set_ylabel("P(drafts 1..i all accepted)")
ax.set_ylim(0, 1)
ax.set_title("Acceptance by draft position")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=120)
print(f"wrote {sys.argv[2]}")
