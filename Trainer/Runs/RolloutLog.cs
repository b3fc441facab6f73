using System.Buffers.Binary;
using MessagePack;

namespace RlSpec.Trainer.Runs;

/// <summary>
/// Append-only rollout log: each record is a 4-byte little-endian length followed by that many bytes of
/// MessagePack. A crash can only tear the last record, which readers skip and report; nothing earlier is touched.
/// </summary>
public static class RolloutLog
{
    public const string FileName = "rollouts.msgpack";

    public static void Append(string path, IEnumerable<RolloutRecord> records)
    {
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        Span<byte> prefix = stackalloc byte[4];
        foreach (var record in records)
        {
            var bytes = MessagePackSerializer.Serialize(record);
            BinaryPrimitives.WriteInt32LittleEndian(prefix, bytes.Length);
            stream.Write(prefix);
            stream.Write(bytes);
        }

        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every intact record, and a description of a torn or corrupt tail if there was one. Records of schema 1
    /// read as such, with their per-token draft flags derived from the per-step counts (<see cref="DraftFlags"/>).</summary>
    public static (List<RolloutRecord> Records, string? Problem) Read(string path)
    {
        var (records, _, problem) = Scan(path);
        return (records.Select(r => Upgraded(r.Record)).ToList(), problem);
    }

    private static RolloutRecord Upgraded(RolloutRecord record)
    {
        if (record.SchemaVersion >= 2)
        {
            return record;
        }

        var (position, accepted) = DraftFlags.Derive(record.DraftCounts, record.AcceptCounts, record.ResponseTokens.Length);
        return record with { SchemaVersion = 1, DraftPosition = position, Accepted = accepted };
    }

    /// <summary>Cuts the log after the last record of step ≤ <paramref name="step"/> (drops a torn tail too); used on resume.</summary>
    public static void TruncateAfterStep(string path, int step)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var (records, end, _) = Scan(path);
        var keep = records.TakeWhile(r => r.Record.Step <= step).Select(r => r.End).DefaultIfEmpty(0).Last();
        if (keep < end || new FileInfo(path).Length != end)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
            stream.SetLength(keep);
        }
    }

    private static (List<(RolloutRecord Record, long End)> Records, long End, string? Problem) Scan(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var records = new List<(RolloutRecord, long)>();
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 4)
            {
                return (records, offset, $"{path}: torn record at byte {offset} ({bytes.Length - offset} bytes of a length prefix); skipped.");
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset, 4));
            if (length < 0 || length > bytes.Length - offset - 4)
            {
                return (records, offset, $"{path}: torn record at byte {offset} (needs {length} bytes, {bytes.Length - offset - 4} left); skipped.");
            }

            try
            {
                records.Add((MessagePackSerializer.Deserialize<RolloutRecord>(bytes.AsMemory(offset + 4, length)), offset + 4 + length));
            }
            catch (MessagePackSerializationException e)
            {
                return (records, offset, $"{path}: corrupt record at byte {offset} ({e.Message}); it and anything after were skipped.");
            }

            offset += 4 + length;
        }

        return (records, offset, null);
    }
}
