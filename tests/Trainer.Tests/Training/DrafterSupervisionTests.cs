using FluentAssertions;
using RlSpec.Policy.Tests.Checkpoints;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>
/// Where the aligned drafter's supervision comes from: the generation's own forwards (default, sync and single-process)
/// spare a speculative run the log-prob recompute, which the drafter needed before; `recompute` keeps the old path.
/// </summary>
[Collection("console")]
public sealed class DrafterSupervisionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-supervision-").FullName;

    [Fact]
    public void Supervision_from_the_rollouts_aligns_the_drafter_every_step_without_a_recompute_forward()
    {
        var checkpoint = Path.Combine(_dir, "qwen3");
        HfLayoutCheckpoints.Write(checkpoint, HfLayoutCheckpoints.Qwen3Config());

        var fromRollouts = Run(checkpoint, "rollouts");
        var fromRecompute = Run(checkpoint, "recompute");

        fromRollouts.Should().OnlyContain(r => double.IsFinite(r.DrafterKl), "every step's rollouts left fresh records to align on");
        fromRecompute.Should().OnlyContain(r => double.IsFinite(r.DrafterKl));
        fromRecompute.Should().OnlyContain(r => double.IsFinite(r.RecomputeMaxDiff), "the recompute forward ran every step to record the supervision");
        fromRollouts.Select(r => double.IsFinite(r.RecomputeMaxDiff)).Should().Equal([true, false, false, false],
            "with trainer.recompute_logprobs: auto nothing else needs the recompute but its check on the first of every 10 steps");
    }

    private IReadOnlyList<StepMetrics> Run(string checkpoint, string supervision)
    {
        var runDir = Path.Combine(_dir, supervision);
        TrainCommand.Fresh(ConfigLoader.Load(null,
        [
            $"model.checkpoint={checkpoint}", "model.device=cpu", "model.threads=1", "task.max_digits=2", "task.eval_prompts=0",
            "rollout.prompts_per_step=3", "rollout.group_size=2", "rollout.max_new_tokens=8", "drafter.pretrain_steps=2", "drafter.steps_per_update=2",
            $"drafter.supervision={supervision}", "trainer.steps=4", "logging.checkpoint_every=4", $"logging.run_dir={runDir}",
        ]));
        return MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
