using System.Globalization;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;

namespace RlSpec.Trainer.Runs;

/// <summary>
/// Checkpoints inside a run directory: <c>checkpoints/step-NNNNNN/</c> holds the policy (HF layout), the EAGLE head
/// beside it, both optimizers and <c>trainer_state.json</c>. Each is written to a temporary directory and renamed,
/// so a checkpoint either exists whole or not at all; a kill mid-write leaves the previous one intact.
/// </summary>
public static class RunCheckpoint
{
    public const string SubDirectory = "checkpoints";
    public const string StateFile = "trainer_state.json";
    public const string PolicyOptimizerFile = "optimizer.bin";
    public const string DrafterOptimizerFile = "drafter_optimizer.bin";

    /// <param name="headVersion">Policy version the head was last aligned to (null = the state's version).</param>
    public static string Save(string runDirectory, TrainerState state, PolicyModel policy, TextTokenizer tokenizer, EagleHead? head, long? headVersion,
        Action<string> saveOptimizers)
    {
        var root = Path.Combine(runDirectory, SubDirectory);
        Directory.CreateDirectory(root);
        var final = Path.Combine(root, $"step-{state.Step.ToString("D6", CultureInfo.InvariantCulture)}");
        var temporary = final + ".tmp";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }

        PolicyCheckpoint.Save(temporary, policy, tokenizer, new Dictionary<string, string> { ["policy_version"] = state.PolicyVersion.ToString(CultureInfo.InvariantCulture) });
        if (head is not null)
        {
            EagleCheckpoint.Save(temporary, head, policy.Config, headVersion ?? state.PolicyVersion);
        }

        saveOptimizers(temporary);
        JsonOutput.Write(Path.Combine(temporary, StateFile), state);
        if (Directory.Exists(final))
        {
            Directory.Delete(final, recursive: true);
        }

        Directory.Move(temporary, final);
        return final;
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> complete checkpoints (0 = keep all); returns the deleted ones.
    /// Only complete checkpoints count, so the one a resume would use is never deleted.</summary>
    public static IReadOnlyList<string> Prune(string runDirectory, int keep)
    {
        var complete = Complete(runDirectory);
        var deleted = keep <= 0 ? [] : complete.Take(Math.Max(0, complete.Count - keep)).ToList();
        deleted.ForEach(d => Directory.Delete(d, recursive: true));
        return deleted;
    }

    /// <summary>The newest complete checkpoint of a run, or null when it has none.</summary>
    public static string? Latest(string runDirectory) => Complete(runDirectory).LastOrDefault();

    /// <summary>A run's complete checkpoints, oldest first.</summary>
    private static List<string> Complete(string runDirectory)
    {
        var root = Path.Combine(runDirectory, SubDirectory);
        return Directory.Exists(root)
            ? Directory.GetDirectories(root, "step-*").Where(d => !d.EndsWith(".tmp", StringComparison.Ordinal) && File.Exists(Path.Combine(d, StateFile)))
                .OrderBy(d => d, StringComparer.Ordinal).ToList()
            : [];
    }

    public static TrainerState ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, StateFile);
        return JsonOutput.Read<TrainerState>(path, "a trainer state");
    }
}
