#!/usr/bin/env python3
"""Tables and figures of experiments/paper-figures, each beside the NeMo-RL speculative-RL study's numbers
(arXiv 2604.26779: Qwen3-8B, GRPO, 32 GB200, EAGLE-3 at k=3). Usage: figures.py FIGURE RESULTS_DIR, with FIGURE one
of stages, draft-length, drafters, alignment, sync-async; reads what the matching run script left in RESULTS_DIR.
Debian's python3-pandas and python3-matplotlib only (no network installs)."""
import glob
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

STAGES = [("data_seconds", "data"), ("prepare_seconds", "prepare (weight sync)"), ("generation_seconds", "generation"),
          ("logprob_seconds", "log-prob recompute"), ("train_seconds", "train"), ("align_seconds", "drafter align")]
# The paper's stage table (seconds per step), Think and Zero workloads, AR vs SD (k=3); it has no align row because
# NeMo-RL trains the drafter inside the policy's training pass.
PAPER_STAGES = {"data": (0.3, 0.2, 0.2, 0.2), "prepare (weight sync)": (2.1, 1.6, 1.9, 2.1),
                "generation": (133.6, 87.0, 100.0, 56.6), "log-prob recompute": (17.9, 18.1, 17.8, 18.1),
                "train": (31.4, 30.5, 31.3, 30.5), "drafter align": (None, None, None, None),
                "step": (185.3, 137.4, 151.2, 107.5)}


def runs(dest, pattern):
    """metrics.csv of the runs matching pattern, steps 2.. (step 1 pays start-up costs)."""
    frames = []
    for path in sorted(glob.glob(os.path.join(dest, "runs", pattern))):
        m = pd.read_csv(path)
        frames.append(m[m.step > 1] if len(m) > 1 else m)
    if not frames:
        sys.exit(f"figures.py: no runs matching {pattern} in {dest}/runs")
    return frames


def stage_means(frames):
    """Mean seconds per stage over every run's timed steps, plus step and acceptance length."""
    both = pd.concat(frames)
    row = {label: both[col].mean() for col, label in STAGES}
    row["step"] = both.step_seconds.mean()
    row["acceptance_length"] = both.acceptance_length.mean()
    return row


def write(dest, name, table, note=""):
    table.to_csv(os.path.join(dest, f"{name}.csv"), index=False)
    with open(os.path.join(dest, f"{name}.md"), "w") as f:
        f.write(to_markdown(table))
        if note:
            f.write("\n" + note.strip() + "\n")
    print(to_markdown(table) + ("\n" + note.strip() if note else ""))


def to_markdown(table):
    def cell(v):
        if isinstance(v, float):
            return "–" if pd.isna(v) else f"{v:.3g}" if abs(v) < 100 else f"{v:.1f}"
        return str(v)
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "---|" * len(table.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def stages(dest):
    ar, sd = stage_means(runs(dest, "*enabled=false*")), stage_means(runs(dest, "*enabled=true*"))
    rows = []
    for label in [s for _, s in STAGES] + ["step"]:
        p = PAPER_STAGES[label]
        rows.append({"stage (s)": label, "paper Think AR": p[0], "paper Think SD": p[1], "paper Zero AR": p[2],
                     "paper Zero SD": p[3], "ours AR": ar[label], "ours SD": sd[label]})
    table = pd.DataFrame(rows)
    gen_speedup, step_speedup = ar["generation"] / sd["generation"], ar["step"] / sd["step"]
    tau, r_gen = sd["acceptance_length"], ar["generation"] / ar["step"]
    ceiling = 1 / (r_gen / tau + 1 - r_gen)
    note = f"""
Generation speedup from speculation: ours {gen_speedup:.2f}x (paper 1.54x Think, 1.77x Zero); step speedup ours
{step_speedup:.2f}x (paper 1.35x / 1.41x). Acceptance length ours {tau:.2f} at k=3 (paper EAGLE-3 2.77–3.32). Generation
is {r_gen:.0%} of our plain step (paper 72 % Think, 66 % Zero), so even free drafting and verification would cap the step
speedup at S ≤ 1/(R_gen/τ + 1 − R_gen) = {ceiling:.2f}x. Our seconds are per step of 8 prompts × 4 samples on one CPU
thread (steps 2–6, two seeds averaged); the paper's are per step on 32 GB200s.
"""
    write(dest, "stages", table, note)


def bench_rows(path):
    with open(path) as f:
        return pd.DataFrame(json.load(f)["rows"])


def draft_length(dest):
    rows = []
    for path in sorted(glob.glob(os.path.join(dest, "bench-k*.json"))):
        b = bench_rows(path)
        rows.append(b[b.drafter == "eagle"])
    table = pd.concat(rows)[["batch", "draft_tokens", "acceptance_length", "acceptance_rate", "tokens_per_s", "speedup_vs_ar",
                             "verify_cost_ratio", "draft_cost_ratio"]].sort_values(["batch", "draft_tokens"]).reset_index(drop=True)
    best = table.loc[table.groupby("batch").speedup_vs_ar.idxmax()] if len(table) else table
    note = "Best k by wall-clock: " + ", ".join(f"batch {int(r.batch)}: k={int(r.draft_tokens)} ({r.speedup_vs_ar:.2f}x, acceptance "
                                                 f"{r.acceptance_length:.2f})" for r in best.itertuples()) + ".\n" + \
        "Paper (Qwen3-8B, EAGLE-3): acceptance rises with k while speed falls past a small k; k ≥ 5 was slower than AR on one workload."
    write(dest, "draft-length", table, note)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for batch, g in table.groupby("batch"):
        left.plot(g.draft_tokens, g.acceptance_length, "o-", label=f"batch {batch}")
        right.plot(g.draft_tokens, g.speedup_vs_ar, "o-", label=f"batch {batch}")
    left.set(xlabel="draft length k", ylabel="acceptance length (tokens / verify step)", title="Acceptance rises with k")
    right.axhline(1.0, color="grey", ls="--", lw=1)
    right.set(xlabel="draft length k", ylabel="generation speedup vs plain decoding", title="Speed does not")
    for ax in (left, right):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(dest, "draft-length.png"), dpi=110)


def drafters(dest):
    b = bench_rows(os.path.join(dest, "bench-drafters.json"))
    b = b[b.drafter != "none (AR)"]
    table = b[["drafter", "batch", "draft_tokens", "acceptance_length", "speedup_vs_ar", "tokens_per_s", "draft_cost_ratio",
               "verify_cost_ratio"]].sort_values(["batch", "drafter"]).reset_index(drop=True)
    paper = pd.DataFrame([{"drafter": "paper n-gram", "acceptance_length": "2.05–2.47", "speedup_vs_ar": "0.5–0.7x"},
                          {"drafter": "paper EAGLE-3", "acceptance_length": "2.77–3.32", "speedup_vs_ar": "1.5–1.8x"}])
    note = "Paper, k=3 (Qwen3-8B, generation speedup):\n\n" + to_markdown(paper)
    write(dest, "drafters", table, note)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for ax, col, title in ((left, "acceptance_length", "Acceptance length (k=3)"), (right, "speedup_vs_ar", "Generation speedup vs plain")):
        pivot = table.pivot(index="drafter", columns="batch", values=col)
        pivot.plot.bar(ax=ax, rot=0)
        ax.set(title=title, xlabel="")
        ax.grid(alpha=0.3, axis="y")
    right.axhline(1.0, color="grey", ls="--", lw=1)
    fig.tight_layout()
    fig.savefig(os.path.join(dest, "drafters.png"), dpi=110)


def alignment(dest):
    rows = []
    for start in ("weak", "strong"):
        for align in ("true", "false"):
            (m,) = runs(dest, f"{start}-*align={align}*")
            full = pd.read_csv(glob.glob(os.path.join(dest, "runs", f"{start}-*align={align}*"))[0])
            rows.append({"start": start, "drafter": "online" if align == "true" else "frozen",
                         "acceptance first 3 steps": full.acceptance_length.head(3).mean(),
                         "acceptance last 3 steps": full.acceptance_length.tail(3).mean(),
                         "acceptance mean": full.acceptance_length.mean(), "tokens/s": m.tokens_per_second.mean(),
                         "generation s": m.generation_seconds.mean(), "align s": m.align_seconds.mean(),
                         "final reward": full.reward_mean.iloc[len(full) * 3 // 4:].mean()})
    table = pd.DataFrame(rows)
    gain = {s: table[(table.start == s) & (table.drafter == "online")]["acceptance mean"].item()
            - table[(table.start == s) & (table.drafter == "frozen")]["acceptance mean"].item() for s in ("weak", "strong")}
    note = f"""
Online minus frozen, mean acceptance length over the run: weak start {gain['weak']:+.2f}, strong start {gain['strong']:+.2f}.
Paper: online adaptation helped a weakly initialised drafter (+0.15 acceptance length, generation 1.51x → 1.63x) and
was neutral for an in-domain one.
"""
    write(dest, "alignment", table, note)


def sync_async(dest):
    rows = []
    for mode in ("sync", "async"):
        for spec in ("true", "false"):
            (m,) = runs(dest, f"*mode={mode}_enabled={spec}*")
            rows.append({"pipeline": mode, "rollouts": "speculative" if spec == "true" else "plain",
                         "step s": m.step_seconds.mean(), "generation s": m.generation_seconds.mean(),
                         "train s": m.train_seconds.mean(), "reward (steps 2–6)": m.reward_mean.mean()})
    table = pd.DataFrame(rows)
    speedup = {r: table[(table.pipeline == "sync") & (table.rollouts == r)]["step s"].item()
               / table[(table.pipeline == "async") & (table.rollouts == r)]["step s"].item() for r in ("speculative", "plain")}
    note = f"""
Async over sync, step time: speculative rollouts {speedup['speculative']:.2f}x, plain {speedup['plain']:.2f}x.
Paper: async with lag 1 gave 1.24x over sync (speculative rollouts; the step speedup from speculation itself was
1.35–1.41x sync).
"""
    write(dest, "sync-async", table, note)
    fig, ax = plt.subplots(figsize=(6, 4))
    pivot = table.pivot(index="rollouts", columns="pipeline", values="step s")[["sync", "async"]]
    pivot.plot.bar(ax=ax, rot=0)
    ax.set(title="Seconds per GRPO step (steps 2–6)", ylabel="s", xlabel="")
    ax.grid(alpha=0.3, axis="y")
    fig.tight_layout()
    fig.savefig(os.path.join(dest, "sync-async.png"), dpi=110)


if __name__ == "__main__":
    figure, dest = sys.argv[1], sys.argv[2]
    {"stages": stages, "draft-length": draft_length, "drafters": drafters, "alignment": alignment, "sync-async": sync_async}[figure](dest)
