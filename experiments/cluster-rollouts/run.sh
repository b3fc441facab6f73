#!/usr/bin/env bash
# What moving rollouts to other processes costs: the same GRPO run (790k-parameter policy, EAGLE k=4, 8 prompts x 8
# samples, 10 steps, one torch thread per process) in one process with 2 in-process rollout workers, then as a trainer
# node with 2 `rlspec worker` processes on loopback. Writes results/cluster.md (step time, generation, weight-sync
# seconds, MB and MB/s, whether the learning columns are equal) and both runs' metrics (about 6 minutes on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../common.sh"

# A short warm start (300 SFT steps), made by a one-step run so both runs below start from the same checkpoint.
rlspec train configs/grpo-cluster.yaml --set cluster.enabled=false --set model.warm_start_steps=300 --set trainer.steps=1 \
  --set drafter.pretrain_steps=1 --set task.eval_prompts=16 --set logging.run_dir="$work/warm" > "$out/warm-start.log" 2>&1
common=(configs/grpo-cluster.yaml --set model.checkpoint="$work/warm/warm-start" --set drafter.pretrain_steps=40 --set trainer.steps=10
  --set rollout.prompts_per_step=8 --set task.eval_prompts=0 --set model.threads=1)
port=${PORT:-4253}

rlspec train "${common[@]}" --set cluster.enabled=false --set logging.run_dir="$work/one-process" > "$out/one-process.log" 2>&1

rlspec train "${common[@]}" --set cluster.port="$port" --set logging.run_dir="$work/cluster" > "$out/trainer.log" 2>&1 &
trainer=$!
for name in a b; do rlspec worker --join "127.0.0.1:$port" --threads 1 > "$out/worker-$name.log" 2>&1 & done
wait "$trainer"
wait

cp "$work/one-process/metrics.csv" "$out/one-process.metrics.csv"
cp "$work/cluster/metrics.csv" "$out/cluster.metrics.csv"
"${RLSPEC_PYTHON:-/usr/bin/python3}" - "$out" <<'PY'
import csv, os, sys
out = sys.argv[1]
rows = {name: list(csv.DictReader(open(f"{out}/{name}.metrics.csv"))) for name in ["one-process", "cluster"]}
lines = ["| run | step s | generation s | prepare s | weight sync s | share of step | MB per sync | MB/s |", "|---|---|---|---|---|---|---|---|"]
for name, all_rows in rows.items():
    r = all_rows[1:]  # step 1 pays one-off costs (joins, first fetch)
    mean = lambda k: sum(float(x[k]) for x in r) / len(r)
    sync, mb, step = mean("weight_sync_seconds"), mean("weight_sync_mb"), mean("step_seconds")
    lines.append(f"| {name} | {step:.2f} | {mean('generation_seconds'):.2f} | {mean('prepare_seconds'):.3f} | {sync:.3f} | {100 * sync / step:.1f} % | {mb:.2f} | "
                 + (f"{mb / sync:.1f}" if mb > 0 else "-") + " |")
learning = lambda rs: [(x["reward_mean"], x["loss"], x["entropy"], x["response_length"]) for x in rs]
lines += ["", "Steps 2-10 averaged. Learning columns (reward, loss, entropy, response length) equal: "
          + str(learning(rows["one-process"]) == learning(rows["cluster"])) + f". Load average when written: {os.getloadavg()[0]:.1f}."]
open(f"{out}/cluster.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
echo "results in $out (runs in $work)"
