"""Speedup against live batch size from `bench generation --json` files: measured (solid) and the cost model's
bound (dashed) per drafter and k with fixed k, plus the live-batch controller (adaptive k up to that k).
Usage: plot_live_batch.py JSON [JSON ...] PNG"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

rows = [r for path in sys.argv[1:-1] for r in json.load(open(path))["rows"]]
fig, ax = plt.subplots(figsize=(7, 4.5))
methods = sorted({(r["drafter"], r["draft_tokens"]) for r in rows if r["draft_tokens"] > 0})
for i, (drafter, k) in enumerate(methods):
    color = f"C{i}"
    for adaptive, style in ((False, "-o"), (True, ":^")):
        # The bound from the measured acceptance length: tokens per step / (verify + draft cost in decodes).
        pts = sorted((r["batch"], r["speedup_vs_ar"], r["acceptance_length"] / (r["verify_cost_ratio"] + r["draft_cost_ratio"]))
                     for r in rows if (r["drafter"], r["draft_tokens"]) == (drafter, k) and r["adaptive"] == adaptive)
        if not pts:
            continue
        label = f"{drafter}, {f'live-batch controller, k ≤ {k}' if adaptive else f'k={k}'}"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, color=color, label=label)
        if not adaptive:
            ax.plot([p[0] for p in pts], [p[2] for p in pts], "--", color=color, alpha=0.5, label=f"{drafter}, k={k}, cost-model bound")
ax.axhline(1.0, color="grey", lw=0.8)
ax.set_xscale("log", base=2)
ax.set_xlabel("live batch (rows decoded together)")
ax.set_ylabel("speedup over plain decoding")
ax.set_title("Speculative vs plain generation by live batch size")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[-1], dpi=120)
print(f"wrote {sys.argv[-1]}")
