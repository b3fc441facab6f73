"""Readers for RlSpec run directories: ``metrics.csv`` and the MessagePack rollout log.

The rollout log (``rollouts.msgpack``) is a sequence of records, each a 4-byte little-endian length followed by
that many bytes of MessagePack (a map with snake_case keys; see Trainer/Runs/RolloutRecord.cs). A crash can tear
only the last record: it is skipped with a warning, as the C# reader does.

Schema 2 records carry ``schema_version``, ``drafter_version`` / ``drafter_hash`` (the policy version the drafter's
weights were last aligned to, and a short hash of them), ``logprobs_processed`` beside the raw ``logprobs``, and per
token ``draft_position`` (0 = not a draft position: plain decode or bonus token; i >= 1 = the i-th draft slot of its
verify step) and ``accepted`` (True for an accepted draft, False for the resample at a rejected slot and for every
non-draft token). Schema 1 records (no ``schema_version`` key) read with ``schema_version`` 1, the draft flags
derived from ``draft_counts`` / ``accept_counts`` exactly as the writer derives them, and the other new columns None.
"""
from __future__ import annotations

import pathlib
import struct
import warnings

import msgpack
import pandas as pd

ROLLOUT_LOG = "rollouts.msgpack"
METRICS = "metrics.csv"
SCHEMA_VERSION = 2


def iter_rollouts(path):
    """Yields each intact record of a rollout log as a dict; warns about a torn or corrupt tail."""
    data = pathlib.Path(path).read_bytes()
    offset = 0
    while offset < len(data):
        if len(data) - offset < 4:
            warnings.warn(f"{path}: torn record at byte {offset} (partial length prefix); skipped")
            return
        (length,) = struct.unpack_from("<i", data, offset)
        if length < 0 or length > len(data) - offset - 4:
            warnings.warn(f"{path}: torn record at byte {offset} (needs {length} bytes); skipped")
            return
        try:
            record = msgpack.unpackb(data[offset + 4: offset + 4 + length], raw=False)
        except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, ValueError) as error:
            warnings.warn(f"{path}: corrupt record at byte {offset} ({error}); it and anything after were skipped")
            return
        yield upgraded(record)
        offset += 4 + length


def draft_flags(draft_counts, accept_counts, tokens):
    """Per-token (draft_position, accepted) from per-verify-step counts (Trainer/Runs/DraftFlags.cs): each verify step
    emits its accepted drafts (slots 1..a), then the resample at slot a+1 or, when all d drafts were accepted, the bonus
    token (position 0); a row that stopped mid-block emits fewer."""
    position, accepted = [0] * tokens, [False] * tokens
    at = 0
    for drafted, kept in zip(draft_counts, accept_counts):
        kept = min(kept, drafted)
        for i in range(kept + 1):
            if at >= tokens:
                return position, accepted
            position[at] = i + 1 if i < drafted else 0
            accepted[at] = i < kept
            at += 1
    return position, accepted


def upgraded(record):
    """A record of any schema with every schema-2 key (derived where possible, None where not)."""
    if record.get("schema_version", 0) >= 2:
        return record
    record = dict(record)
    record["schema_version"] = 1
    position, accepted = draft_flags(record.get("draft_counts", []), record.get("accept_counts", []), len(record.get("response_tokens", [])))
    record["draft_position"], record["accepted"] = position, accepted
    for key in ("logprobs_processed", "drafter_version", "drafter_hash"):
        record.setdefault(key, None)
    return record


def read_rollouts(run_dir_or_file) -> pd.DataFrame:
    """One row per sample, with derived columns: response length and acceptance length per sample."""
    path = pathlib.Path(run_dir_or_file)
    if path.is_dir():
        path = path / ROLLOUT_LOG
    frame = pd.DataFrame(list(iter_rollouts(path)))
    if frame.empty:
        return frame
    frame["response_length"] = frame["response_tokens"].map(len)
    steps = frame["draft_counts"].map(len)
    # Tokens per verify step for this sample (1.0 means no speculation helped it).
    frame["acceptance_length"] = (frame["response_length"] / steps.where(steps > 0)).fillna(1.0)
    return frame


def read_tokens(rollouts: pd.DataFrame) -> pd.DataFrame:
    """One row per response token: sample (row of ``rollouts``), step, prompt_id, policy and drafter version, index in the
    response, token id, raw and processed log-prob, draft_position and accepted. Acceptance by draft position is then
    ``tokens[tokens.draft_position > 0].groupby('draft_position').accepted.mean()``."""
    columns = ["sample", "step", "prompt_id", "policy_version", "drafter_version", "index", "token", "logprob", "logprob_processed",
               "draft_position", "accepted"]
    def per_token(values, n):
        return list(values) if isinstance(values, list) and len(values) == n else [float("nan")] * n

    rows = []
    for sample, r in rollouts.iterrows():
        n = len(r.response_tokens)
        raw, processed = per_token(r.get("logprobs"), n), per_token(r.get("logprobs_processed"), n)
        for i, token in enumerate(r.response_tokens):
            rows.append((sample, r.step, r.get("prompt_id"), r.get("policy_version"), r.get("drafter_version"), i, token, raw[i], processed[i],
                         r.draft_position[i], bool(r.accepted[i])))
    return pd.DataFrame(rows, columns=columns)


def acceptance_by_position(tokens: pd.DataFrame) -> pd.Series:
    """Share of drafts accepted at each draft slot, given the slots before it were accepted (the verifier stops at the first rejection)."""
    drafts = tokens[tokens.draft_position > 0]
    return drafts.groupby("draft_position").accepted.mean()


def read_metrics(run_dir) -> pd.DataFrame:
    return pd.read_csv(pathlib.Path(run_dir) / METRICS)


if __name__ == "__main__":
    import sys

    rollouts = read_rollouts(sys.argv[1])
    print(f"{len(rollouts)} records, steps {sorted(rollouts['step'].unique().tolist()) if len(rollouts) else []}")
    if len(rollouts):
        print(f"mean reward {rollouts['reward'].mean():.6f}, mean response length {rollouts['response_length'].mean():.6f}")
        print(f"schema versions {sorted(rollouts['schema_version'].unique().tolist())}")
        for r in rollouts.itertuples():
            print(f"flags {''.join(str(p) for p in r.draft_position)} {''.join('1' if a else '0' for a in r.accepted)}")
        tokens = read_tokens(rollouts)
        print("acceptance by position " + " ".join(f"{p}:{a:.3f}" for p, a in acceptance_by_position(tokens).items()))
