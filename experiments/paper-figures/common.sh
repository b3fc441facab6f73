# Sourced by the paper-figure scripts after ../common.sh: one torch thread everywhere (timings on a shared 2-core
# machine are otherwise noise), and one warm-started policy shared by all five scripts.
threads=1
py=${RLSPEC_PYTHON:-/usr/bin/python3}
# figures.py draws with Debian's matplotlib (setup.sh brings pandas; PyPI may be unreachable).
if ! "$py" -c 'import matplotlib, pandas' 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-matplotlib python3-pandas >/dev/null
fi

# The shared policy: 800 SFT steps, an EAGLE head (150 steps) and a 2-layer draft model (300 steps) beside it. Built
# once into $RLSPEC_PAPER_CACHE (default /tmp/rlspec-paper-figures) and reused by later scripts (each piece is
# written atomically, so one that exists is whole; a lock keeps scripts started together from building it twice).
# About 5 minutes the first time on one idle thread. Prints the policy's directory.
paper_policy() {
  local cache=${RLSPEC_PAPER_CACHE:-/tmp/rlspec-paper-figures}
  local policy=$cache/policy
  mkdir -p "$cache"
  (
    flock 9
    [ -f "$policy/config.json" ] || rlspec sft --out "$policy" --threads $threads > "$out/sft.log" 2>&1
    [ -d "$policy/eagle" ] || rlspec train-eagle --policy "$policy" --steps 150 --threads $threads > "$out/train-eagle.log" 2>&1
    [ -d "$policy/drafter" ] || rlspec train-drafter --policy "$policy" --layers 2 --steps 300 --threads $threads > "$out/train-drafter.log" 2>&1
  ) 9> "$cache/lock"
  echo "$policy"
}

# GRPO settings every training script shares: 6 steps of 8 prompts x 4 samples (small: the 2-core machine is shared), no greedy evaluation (it measures
# nothing these figures show), rollout log on (acceptance by position comes from it).
train_common=(--set model.threads=$threads --set trainer.steps=6 --set rollout.prompts_per_step=8 --set rollout.group_size=4 --set task.eval_prompts=0 --set logging.checkpoint_every=100)
