using RlSpec.Trainer.Quickstart;
using Spectre.Console;

namespace RlSpec.Trainer.Cli;

/// <summary>End-of-command summaries as tables.</summary>
public static class Summary
{
    public static void PrintWarmStart(WarmStartReport report)
    {
        var table = new Table().AddColumn("metric").AddColumn("value");
        table.AddRow("parameters", $"{report.ParameterCount:N0}");
        table.AddRow("accuracy before", $"{report.Before.Accuracy:P1} ({report.Before.Correct}/{report.Before.Count})");
        table.AddRow("accuracy after", $"{report.After.Accuracy:P1} ({report.After.Correct}/{report.After.Count})");
        table.AddRow("final SFT loss", $"{report.FinalLoss:F4}");
        table.AddRow("SFT wall time", $"{report.TrainTime.TotalSeconds:F1} s");
        table.AddRow("total wall time", $"{report.TotalTime.TotalSeconds:F1} s");
        table.AddRow("checkpoint", Markup.Escape(report.CheckpointDirectory));
        AnsiConsole.Write(table);
        foreach (var (example, completion, reward) in report.After.Samples.Take(3))
        {
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(example.Prompt)}[/] {Markup.Escape(completion)}  [{(reward.Correct ? "green" : "red")}]{(reward.Correct ? "correct" : Markup.Escape(reward.Failure ?? "wrong"))}[/]");
        }
    }
}
