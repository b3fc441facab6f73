using System.Buffers.Binary;
using MessagePack;

namespace RlSpec.Trainer.Reports;

/// <summary>
/// What a report needs from a run's rollout log: sample count, drafter, and acceptance by draft position. Records are
/// read as plain maps rather than <c>RolloutRecord</c>s so that fields added by later schema versions (the per-token
/// <c>draft_position</c> and <c>accepted</c>) are used when present and old logs still read.
/// </summary>
/// <param name="Samples">Records in the log.</param>
/// <param name="Drafter">The drafter named by the records ("none" without speculation; "mixed" if they differ).</param>
/// <param name="Positions">Acceptance by draft position over every verify step of every sample.</param>
/// <param name="Source">"per-token flags", "per-step counts", or "none" when no sample was drafted.</param>
public sealed record RolloutLogSummary(int Samples, string Drafter, PositionAcceptance Positions, string Source)
{
    public static RolloutLogSummary Empty { get; } = new(0, "none", new PositionAcceptance(), "none");

    /// <summary>Reads the log at <paramref name="path"/>; a torn or corrupt record is an error here (not skipped as the
    /// training readers do), because a report from part of a log would state the wrong numbers without saying so.</summary>
    public static RolloutLogSummary Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var positions = new PositionAcceptance();
        var drafters = new HashSet<string>();
        var samples = 0;
        var perToken = false;
        var perStep = false;
        var offset = 0;
        // The framing of RolloutLog: a 4-byte little-endian length, then that many bytes of MessagePack.
        while (offset < bytes.Length)
        {
            var length = bytes.Length - offset >= 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset, 4)) : -1;
            if (length < 0 || length > bytes.Length - offset - 4)
            {
                throw new InvalidDataException($"report: {path}: torn record at byte {offset} of {bytes.Length} (a run stopped mid-write); "
                    + "`rlspec train --resume RUN_DIR` cuts it, or report from a copy without the tail.");
            }

            Dictionary<string, object?> record;
            try
            {
                record = MessagePackSerializer.Deserialize<Dictionary<string, object?>>(bytes.AsMemory(offset + 4, length));
            }
            catch (MessagePackSerializationException e)
            {
                throw new InvalidDataException($"report: {path}: corrupt record at byte {offset} ({e.Message}).");
            }

            samples++;
            drafters.Add(record.GetValueOrDefault("drafter") as string ?? "none");
            var drafts = Ints(record.GetValueOrDefault("draft_counts"));
            var accepts = Ints(record.GetValueOrDefault("accept_counts"));
            var tokenPositions = Ints(record.GetValueOrDefault("draft_position"));
            if (tokenPositions.Length > 0)
            {
                var accepted = Ints(record.GetValueOrDefault("accepted"));
                for (var i = 0; i < tokenPositions.Length; i++)
                {
                    positions.AddToken(tokenPositions[i], i < accepted.Length && accepted[i] != 0);
                }

                foreach (var d in drafts)
                {
                    positions.AddDrafted(d);
                }

                perToken |= tokenPositions.Any(p => p > 0);
            }
            else
            {
                for (var i = 0; i < Math.Min(drafts.Length, accepts.Length); i++)
                {
                    positions.AddStep(drafts[i], accepts[i]);
                }

                perStep |= drafts.Any(d => d > 0);
            }

            offset += 4 + length;
        }

        var drafter = drafters.Count switch { 0 => "none", 1 => drafters.Single(), _ => "mixed" };
        return new RolloutLogSummary(samples, drafter, positions, perToken ? "per-token flags" : perStep ? "per-step counts" : "none");
    }

    /// <summary>A MessagePack array of integers or booleans (the generic reader yields object[] of boxed numbers).</summary>
    private static int[] Ints(object? value) => value switch
    {
        object[] items => items.Select(x => x switch
        {
            bool b => b ? 1 : 0,
            null => 0,
            _ => Convert.ToInt32(x, System.Globalization.CultureInfo.InvariantCulture),
        }).ToArray(),
        byte[] raw => raw.Select(b => (int)b).ToArray(), // bin-encoded byte arrays
        _ => [],
    };
}
