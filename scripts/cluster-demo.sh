#!/usr/bin/env bash
# One trainer and two rollout workers on this machine, as separate processes on loopback: the trainer node runs
# configs/grpo-cluster.yaml (warm start, EAGLE head, GRPO), the workers join it with `rlspec worker --join`, and the
# run's per-step lines show the nodes and the weight-sync time. Extra arguments go to `rlspec train` (e.g. --set
# trainer.steps=20). Logs: $RUN_DIR/trainer.log, worker-a.log, worker-b.log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build Trainer/Trainer.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
rlspec() { dotnet Trainer/bin/Release/net10.0/linux-x64/rlspec.dll "$@"; }

PORT=${PORT:-4053}
RUN_DIR=${RUN_DIR:-runs/cluster-demo-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$RUN_DIR"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT

# A small demo by default: a short warm start and EAGLE pretraining, 10 GRPO steps of 8 prompts x 8 samples.
rlspec train configs/grpo-cluster.yaml --set cluster.port="$PORT" --set logging.run_dir="$RUN_DIR/run" \
  --set model.warm_start_steps=300 --set drafter.pretrain_steps=40 --set trainer.steps=10 --set rollout.prompts_per_step=8 \
  --set task.eval_prompts=64 --set model.threads=1 "$@" >"$RUN_DIR/trainer.log" 2>&1 &
trainer=$!
pids+=("$trainer")
echo "[demo] trainer node (pid $trainer) on 127.0.0.1:$PORT; log $RUN_DIR/trainer.log"

for name in a b; do
  rlspec worker --join "127.0.0.1:$PORT" --threads 1 >"$RUN_DIR/worker-$name.log" 2>&1 &
  pids+=("$!")
  echo "[demo] rollout worker $name (pid $!) joining 127.0.0.1:$PORT; log $RUN_DIR/worker-$name.log"
done

tail -n +1 -f "$RUN_DIR/trainer.log" --pid "$trainer" | grep --line-buffered -E "train: (trainer node|rollout node|[0-9]+ rollout node|step [0-9]+/|checkpoint)|error" || true
wait "$trainer" || { echo "[demo] the trainer failed; see $RUN_DIR/trainer.log"; exit 1; }
for p in "${pids[@]:1}"; do wait "$p" || true; done
echo
sed -n '/^Run /,$p' "$RUN_DIR/trainer.log"
echo "[demo] done: 1 trainer + 2 workers; metrics in $RUN_DIR/run/metrics.csv (rollout_nodes, weight_sync_seconds, weight_sync_mb)"
