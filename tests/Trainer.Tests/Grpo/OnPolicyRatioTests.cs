using FluentAssertions;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Runs;
using RlSpec.Trainer.Training;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Grpo;

[Collection("console")]
public sealed class OnPolicyRatioTests : IDisposable
{
    private static readonly ArithmeticTask Task = new(new ArithmeticTaskConfig(MaxDigits: 2));
    private static readonly TextTokenizer Tokenizer = TextTokenizer.ForCharacters(Task.Alphabet);
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-ratio-").FullName;

    private static PolicyModel Policy() =>
        WeightInit.NewPolicy(new PolicyConfig(Tokenizer.VocabSize, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5, 0.3);

    [Theory]
    [InlineData(0.7, false)]
    [InlineData(0.7, true)]
    [InlineData(1.3, true)]
    public void Behaviour_recomputed_and_learner_log_probs_agree_so_the_first_ratio_is_one(double temperature, bool speculative)
    {
        var policy = Policy();
        manual_seed(4);
        var drafter = speculative ? new EagleDrafter(policy, new EagleHead(policy.Config, EagleConfig.For(policy.Config))) : null;
        var generator = new RolloutGenerator(policy, Tokenizer, Task, drafter, new GenerationOptions(14, new SamplingParams(temperature)),
            new SpeculationOptions(3, Adaptive: false), groupSize: 4, batchSize: 6);
        var rollouts = generator.Generate(Task.Examples(1).Take(3).ToList(), 0, 77).Rollouts;

        var recomputed = LogProbRecompute.Run(policy, rollouts, 8, Tokenizer.Special.Pad, temperature, null, 0).LogProbs;
        using var _ = no_grad();
        var (inputs, targets, mask, promptLengths, _) = SequenceLogProbs.Layout(rollouts, Tokenizer.Special.Pad, policy.Device);
        policy.train();
        var learner = SequenceLogProbs.Gather(SequenceLogProbs.Of(policy, inputs, targets, temperature), rollouts, promptLengths);
        policy.eval();

        var tokens = 0;
        for (var i = 0; i < rollouts.Count; i++)
        {
            for (var t = 0; t < rollouts[i].Completion.Count; t++)
            {
                var behaviour = rollouts[i].BehaviourLogProbs[t];
                Math.Abs(behaviour - recomputed[i][t]).Should().BeLessThan(1e-5f, $"rollout {i} token {t}: behaviour vs recompute");
                Math.Abs(recomputed[i][t] - learner[i][t]).Should().BeLessThan(1e-5f, $"rollout {i} token {t}: recompute vs learner");
                Math.Abs(Math.Exp(learner[i][t] - behaviour) - 1).Should().BeLessThan(1e-5, $"rollout {i} token {t}: the PPO ratio at the first update");
                tokens++;
            }
        }

        tokens.Should().BeGreaterThan(50);
        mask.sum().item<float>().Should().Be(tokens);
    }

    [Fact]
    public void A_sync_run_at_temperature_0_7_trains_on_policy_the_recompute_check_agreeing_with_the_behaviour_log_probs()
    {
        var policyDir = Path.Combine(_dir, "policy");
        PolicyCheckpoint.Save(policyDir, Policy(), Tokenizer);
        var config = ConfigLoader.Load(null,
        [
            $"model.checkpoint={policyDir}", "model.device=cpu", "model.threads=1", "task.max_digits=2", "task.eval_prompts=0",
            "rollout.prompts_per_step=3", "rollout.group_size=4", "rollout.max_new_tokens=12", "rollout.temperature=0.7",
            "speculation.enabled=false", "trainer.steps=2", $"logging.run_dir={Path.Combine(_dir, "run")}",
        ]);
        var run = TrainCommand.Fresh(config);
        var rows = MetricsLog.Read(Path.Combine(run.RunDirectory, MetricsLog.FileName));
        rows[0].RecomputeMaxDiff.Should().BeLessThan(1e-5, "step 1 checks the behaviour log-probs against a fresh forward");
        rows[0].ApproxKl.Should().BeApproximately(0, 1e-6, "the first update starts at ratio 1");
        rows[0].ClipFraction.Should().Be(0);
        double.IsNaN(rows[1].RecomputeMaxDiff).Should().BeTrue("with recompute_logprobs: auto and nothing aligning, step 2 skips the forward");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
