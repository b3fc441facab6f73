"""Reward curves (mean ± standard error over seeds) and stage breakdown, speculative vs plain rollouts."""
import pathlib
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

out = pathlib.Path(sys.argv[1])
frames = []
for path in sorted(out.glob("*.metrics.csv")):
    frame = pd.read_csv(path)
    frame["rollouts"] = "speculative" if "enabled=true" in path.name.lower() or "enabled=True" in path.name else "plain"
    frame["seed"] = path.name.split("seed=")[1].split(".")[0]
    frames.append(frame)
metrics = pd.concat(frames)

curves = metrics.groupby(["rollouts", "step"])["reward_mean"].agg(["mean", "sem"]).reset_index()
fig, ax = plt.subplots(figsize=(8, 4.5))
for name, group in curves.groupby("rollouts"):
    ax.errorbar(group["step"], group["mean"], yerr=group["sem"], capsize=3, label=f"{name} rollouts")
ax.set(xlabel="GRPO step", ylabel="mean reward (± s.e. over 3 seeds)", title="Same learning: speculative vs plain rollouts")
ax.legend()
fig.tight_layout()
fig.savefig(out / "reward-curves.png", dpi=120)

stages = ["data_seconds", "prepare_seconds", "generation_seconds", "logprob_seconds", "train_seconds", "align_seconds", "step_seconds"]
table = metrics.groupby("rollouts")[stages].mean()
shares = table[stages[:-1]].div(table["step_seconds"], axis=0)
lines = ["| rollouts | " + " | ".join(s.replace("_seconds", "") for s in stages) + " |", "|---" * (len(stages) + 1) + "|"]
for name, row in table.iterrows():
    lines.append(f"| {name} | " + " | ".join(f"{row[s]:.2f} s" + (f" ({shares.loc[name, s]:.0%})" if s != "step_seconds" else "") for s in stages) + " |")
tail = metrics[metrics["step"] > metrics["step"].max() * 3 / 4].groupby(["rollouts", "seed"])["reward_mean"].mean()
summary = tail.groupby("rollouts").agg(["mean", "sem"])
lines += ["", "Mean reward over the last quarter of steps (per seed, then mean ± s.e. over seeds):", ""]
lines += [f"- {name}: {row['mean']:.3f} ± {row['sem']:.3f}" for name, row in summary.iterrows()]
gen = table["generation_seconds"]
lines += ["", f"Generation stage speculative / plain: {gen['speculative'] / gen['plain']:.2f}x the time "
          f"(speedup {gen['plain'] / gen['speculative']:.2f}x); step {table['step_seconds']['plain'] / table['step_seconds']['speculative']:.2f}x."]
(out / "stages.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
