"""Stage breakdown and step-time ratios of the pipeline sweep: sync vs async, speculative vs plain, per thread count."""
import pathlib
import re
import sys

import pandas as pd

out = pathlib.Path(sys.argv[1])
frames = []
for path in sorted(out.glob("threads*.metrics.csv")):
    frame = pd.read_csv(path)
    name = path.name
    frame["threads"] = int(re.match(r"threads(\d)", name).group(1))
    frame["mode"] = re.search(r"mode=([a-z]+)", name).group(1)
    frame["rollouts"] = "speculative" if "enabled=true" in name.lower() else "plain"
    seed = re.search(r"seed=(\d+)", name)
    frame["seed"] = int(seed.group(1)) if seed else 1
    frames.append(frame)
metrics = pd.concat(frames)
# Step 1 pays one-off costs (first publish, replica loads, allocator warm-up).
steady = metrics[metrics["step"] > 1]

stages = ["generation_seconds", "logprob_seconds", "train_seconds", "align_seconds", "prepare_seconds", "step_seconds"]
table = steady.groupby(["threads", "mode", "rollouts"])[stages].mean()
lines = ["| threads | pipeline | rollouts | generation | log-prob | train | drafter align | prepare | step | step speedup vs sync plain |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for (threads, mode, rollouts), row in table.iterrows():
    base = table.loc[(threads, "sync", "plain"), "step_seconds"]
    cells = [f"{row[s]:.2f} s ({row[s] / row['step_seconds']:.0%})" for s in stages[:-1]]
    lines.append(f"| {threads} | {mode} | {rollouts} | " + " | ".join(cells) + f" | {row['step_seconds']:.2f} s | {base / row['step_seconds']:.2f}x |")

lines += ["", "Stage shares are of the step's wall time; in the async pipeline generation runs beside the other stages, so shares add up to more than 100 %.", ""]
tail = metrics[metrics["step"] > metrics["step"].max() * 3 / 4]
reward = tail.groupby(["threads", "mode", "rollouts", "seed"])["reward_mean"].mean().groupby(["threads", "mode", "rollouts"]).agg(["mean", "count"])
lines += ["Mean reward over the last quarter of steps (mean over seeds):", ""]
lines += [f"- threads {t}, {m}, {r}: {row['mean']:.3f} ({int(row['count'])} seed(s))" for (t, m, r), row in reward.iterrows()]
stale = steady.groupby("mode")[["staleness", "behaviour_kl"]].mean()
lines += ["", "Mean staleness and behaviour KL (log π_behaviour − log π_current per token) at the update:", ""]
lines += [f"- {m}: staleness {row['staleness']:.2f}, behaviour KL {row['behaviour_kl']:.2e}" for m, row in stale.iterrows()]
(out / "pipeline.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
