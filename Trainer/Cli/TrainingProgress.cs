using System.Globalization;
using RlSpec.Trainer.Quickstart;
using RlSpec.Trainer.Runs;
using Spectre.Console;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// How a run shows its steps: on a terminal, a live progress bar whose label carries the latest reward, accuracy,
/// acceptance length and tokens/s, with other notices printed above it; otherwise (a log file, CI) one plain line per step.
/// </summary>
public static class TrainingProgress
{
    public static T Show<T>(int firstStep, int totalSteps, Func<IProgress<StepMetrics>, IProgress<string>, T> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var log = ConsoleLog.For("train");
            return run(new SynchronousProgress<StepMetrics>(row => log.Report(Line(row, totalSteps))), log);
        }

        return AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"GRPO step {firstStep}/{totalSteps}", maxValue: totalSteps);
                task.Value = firstStep;
                var lines = new SynchronousProgress<string>(line => AnsiConsole.MarkupLine(Markup.Escape($"[{DateTime.Now:HH:mm:ss}] {line}")));
                return run(new SynchronousProgress<StepMetrics>(row =>
                {
                    task.Value = row.Step;
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"step {row.Step}/{totalSteps}  reward {row.RewardMean:F3}  acc {row.Accuracy:P0}  acc.len {row.AcceptanceLength:F2}  {row.TokensPerSecond:F0} tok/s")
                        + (row.RolloutNodes > 0 ? $"  nodes {row.RolloutNodes}" : "") + DrafterAlarm(row));
                }), lines);
            });
    }

    /// <summary>The plain per-step line.</summary>
    public static string Line(StepMetrics row, int totalSteps) =>
        FormattableString.Invariant($"step {row.Step}/{totalSteps}  reward {row.RewardMean:F3}±{row.RewardStd:F3}  acc {row.Accuracy:P1}  len {row.ResponseLength:F1}  ")
        + FormattableString.Invariant($"kl {row.ApproxKl:E1}  clip {row.ClipFraction:P1}  acc.len {row.AcceptanceLength:F2}  {row.TokensPerSecond:F0} tok/s  ")
        + FormattableString.Invariant($"gen {row.GenerationSeconds:F1}s of {row.StepSeconds:F1}s") + (row.Staleness > 0 ? $"  stale {row.Staleness}" : "")
        + (row.RolloutNodes > 0 ? FormattableString.Invariant($"  nodes {row.RolloutNodes}, sync {row.WeightSyncSeconds:F2}s") : "") + DrafterAlarm(row);

    /// <summary>The drafter's alarm, when raised: what a stale drafter looks like in the progress line.</summary>
    public static string DrafterAlarm(StepMetrics row) =>
        row.DrafterAlarm == 0 ? "" : "  DRAFTER ALARM" + (row.DrafterVersionLag is { } lag ? FormattableString.Invariant($" (lag {lag})") : "");
}
