"""Per-seed generation and step speedup of the deep-preset GRPO runs (results/deep/{spec,plain}-SEED.metrics.csv).

Step 1 is left out (JIT, allocator warm-up, the drafter's first alignment). Usage: summarize_deep.py RESULTS_DIR
"""
import glob
import os
import sys

import pandas as pd

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results", "deep")
rows = []
for spec_path in sorted(glob.glob(os.path.join(out, "spec-*.metrics.csv"))):
    seed = spec_path.rsplit("-", 1)[1].split(".")[0]
    plain_path = os.path.join(out, f"plain-{seed}.metrics.csv")
    if not os.path.exists(plain_path):
        continue
    spec, plain = (pd.read_csv(p).query("step > 1") for p in (spec_path, plain_path))
    rows.append({
        "seed": seed,
        "generation spec / plain (s)": f"{spec.generation_seconds.sum():.1f} / {plain.generation_seconds.sum():.1f}",
        "generation speedup": f"{plain.generation_seconds.sum() / spec.generation_seconds.sum():.2f}x",
        "step spec / plain (s)": f"{spec.step_seconds.sum():.1f} / {plain.step_seconds.sum():.1f}",
        "step speedup": f"{plain.step_seconds.sum() / spec.step_seconds.sum():.2f}x",
        "acceptance length": f"{spec.acceptance_length.mean():.2f}",
        "logprob spec / plain (s)": f"{spec.logprob_seconds.sum():.1f} / {plain.logprob_seconds.sum():.1f}",
        "align share": f"{100 * spec.align_seconds.sum() / spec.step_seconds.sum():.1f} %",
        "final reward spec / plain": f"{spec.reward_mean.iloc[-1]:.3f} / {plain.reward_mean.iloc[-1]:.3f}",
    })

table = pd.DataFrame(rows)
print("| " + " | ".join(table.columns) + " |")
print("|" + "---|" * len(table.columns))
for _, r in table.iterrows():
    print("| " + " | ".join(str(v) for v in r.values) + " |")
