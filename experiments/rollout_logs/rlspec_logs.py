"""Readers for RlSpec run directories: ``metrics.csv`` and the MessagePack rollout log.

The rollout log (``rollouts.msgpack``) is a sequence of records, each a 4-byte little-endian length followed by
that many bytes of MessagePack (a map with snake_case keys; see Trainer/Runs/RolloutRecord.cs). A crash can tear
only the last record: it is skipped with a warning, as the C# reader does.
"""
from __future__ import annotations

import pathlib
import struct
import warnings

import msgpack
import pandas as pd

ROLLOUT_LOG = "rollouts.msgpack"
METRICS = "metrics.csv"


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
        yield record
        offset += 4 + length


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


def read_metrics(run_dir) -> pd.DataFrame:
    return pd.read_csv(pathlib.Path(run_dir) / METRICS)


if __name__ == "__main__":
    import sys

    rollouts = read_rollouts(sys.argv[1])
    print(f"{len(rollouts)} records, steps {sorted(rollouts['step'].unique().tolist()) if len(rollouts) else []}")
    if len(rollouts):
        print(f"mean reward {rollouts['reward'].mean():.6f}, mean response length {rollouts['response_length'].mean():.6f}")
