using System.Buffers.Binary;
using FluentAssertions;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Reports;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Reports;

/// <summary>Three tiny real runs of the shared tiny policy (<see cref="Training.TinyRuns"/>): speculative with seeds 1 and 2, plain with seed 1.</summary>
public sealed class TinyRuns : IDisposable
{
    private readonly Training.TinyRuns _runs = new();

    public TinyRuns()
    {
        foreach (var (name, seed, speculative) in new[] { ("spec-seed1", 1, true), ("spec-seed2", 2, true), ("plain-seed1", 1, false) })
        {
            Runs.Add(_runs.Train(name, "rollout.max_new_tokens=10", "drafter.steps_per_update=1", "trainer.steps=4", "logging.checkpoint_every=100",
                $"seed={seed}", $"speculation.enabled={(speculative ? "true" : "false")}"));
        }
    }

    public string Path => _runs.Root;

    public List<string> Runs { get; } = [];

    public void Dispose() => _runs.Dispose();
}

[Collection("console")]
public sealed class ReportCommandTests(TinyRuns tiny) : IClassFixture<TinyRuns>
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static (int Code, string Error) Cli(params string[] args) => Tests.Cli.ConsoleCapture.Run(args);

    [Fact]
    public void Report_on_tiny_runs_writes_valid_pngs_and_a_page_listing_each_run_and_its_group_with_their_numbers()
    {
        var outDir = Path.Combine(tiny.Path, "report-all");
        var (code, error) = Cli(["report", .. tiny.Runs, "--out", outDir]);
        code.Should().Be(0, error);

        foreach (var png in ReportPlots.All)
        {
            var bytes = File.ReadAllBytes(Path.Combine(outDir, png));
            bytes.Take(8).Should().Equal(PngSignature, png);
            BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)).Should().Be(900, $"{png}'s IHDR width");
            bytes.Length.Should().BeGreaterThan(5000, $"{png} has a drawn plot, not an empty canvas");
        }

        var md = File.ReadAllText(Path.Combine(outDir, ReportWriter.MarkdownFile));
        foreach (var run in tiny.Runs)
        {
            var metrics = MetricsLog.Read(Path.Combine(run, MetricsLog.FileName));
            var finalReward = metrics.Skip(3).Average(m => m.RewardMean); // 4 steps: the last quarter is step 4
            md.Should().MatchRegex($@"\| {Path.GetFileName(run)} \| speculation\.enabled=\w+ \| \d \| 4 \| {finalReward:F3} \|");
        }

        md.Should().Contain("| speculation.enabled=true | 2 | 1, 2 |").And.Contain("| speculation.enabled=false | 1 | 1 |");
        md.Should().Contain("| 1 |", "the acceptance-by-position table has a row for position 1").And.Contain("from per-");
        foreach (var png in ReportPlots.All)
        {
            md.Should().Contain($"]({png})");
        }

        error.Should().Contain("3 run(s) in 2 group(s)");
        Directory.EnumerateFileSystemEntries(tiny.Path, ".report-all*").Should().BeEmpty("the temporary directory is gone");
    }

    [Fact]
    public void One_run_reports_into_its_own_report_folder_without_the_speculation_figures_when_it_did_not_draft()
    {
        var plain = tiny.Runs[2];
        var (code, error) = Cli("report", plain);
        code.Should().Be(0, error);
        var outDir = Path.Combine(plain, ReportCommand.DefaultFolder);
        File.Exists(Path.Combine(outDir, ReportPlots.Reward)).Should().BeTrue();
        File.Exists(Path.Combine(outDir, ReportPlots.AcceptanceByPosition)).Should().BeFalse();
        File.ReadAllText(Path.Combine(outDir, ReportWriter.MarkdownFile)).Should().Contain("No run drafted");
    }

    [Fact]
    public void A_sweep_groups_its_points_over_seeds_says_what_final_reward_mean_averages_and_ends_with_a_report()
    {
        var outDir = Path.Combine(tiny.Path, "sweep");
        var (code, error) = Cli("sweep", "--out", outDir, "--grid", "speculation.enabled=true,false", "--grid", "seed=1,2",
            "--set", $"model.checkpoint={Path.Combine(tiny.Path, "policy")}", "--set", "model.device=cpu", "--set", "model.threads=1",
            "--set", "task.max_digits=2", "--set", "task.eval_prompts=0", "--set", "rollout.prompts_per_step=2", "--set", "rollout.group_size=2",
            "--set", "rollout.max_new_tokens=8", "--set", "drafter.pretrain_steps=1", "--set", "trainer.steps=2", "--set", "logging.checkpoint_every=100");
        code.Should().Be(0, error);
        var md = File.ReadAllText(Path.Combine(outDir, "sweep.md"));
        md.Should().Contain("`final_reward_mean` is the mean of reward_mean over the last quarter of the run's steps (per run: step 2 of 2)");
        md.Should().MatchRegex(@"\| true \| 2 \| -?\d\.\d{3} ± \d\.\d{3} \|").And.MatchRegex(@"\| false \| 2 \| ");
        error.Should().Contain("final_reward_mean is the mean of reward_mean over the last quarter");
        File.ReadAllText(Path.Combine(outDir, ReportCommand.DefaultFolder, ReportWriter.MarkdownFile))
            .Should().Contain("4 runs in 2 groups").And.Contain("| speculation.enabled=true | 2 | 1, 2 |");
    }

    [Fact]
    public void A_torn_rollout_log_or_a_missing_directory_fails_with_one_line_and_writes_nothing()
    {
        var torn = Path.Combine(tiny.Path, "torn");
        Directory.CreateDirectory(torn);
        foreach (var file in new[] { "config.yaml", MetricsLog.FileName })
        {
            File.Copy(Path.Combine(tiny.Runs[0], file), Path.Combine(torn, file));
        }

        var log = File.ReadAllBytes(Path.Combine(tiny.Runs[0], RolloutLog.FileName));
        File.WriteAllBytes(Path.Combine(torn, RolloutLog.FileName), log[..^5]);
        var outDir = Path.Combine(tiny.Path, "report-torn");

        foreach (var bad in new[] { torn, Path.Combine(tiny.Path, "missing") })
        {
            var (code, error) = Cli("report", tiny.Runs[1], bad, "--out", outDir);
            code.Should().Be(2);
            error.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("error: report: ");
            Directory.Exists(outDir).Should().BeFalse("nothing is written when any run directory is bad");
            Directory.EnumerateFileSystemEntries(tiny.Path, ".report-torn*").Should().BeEmpty();
        }
    }
}
