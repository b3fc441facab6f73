using System.Diagnostics;
using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Grpo;

namespace RlSpec.Trainer.Training;

/// <summary>
/// The generation stage: G samples of every prompt, speculative when a drafter is given (same distribution,
/// different speed), scored by the task. Randomness comes from the step's own seed, so a step replays exactly.
/// </summary>
public sealed class RolloutGenerator(PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, IDrafter? drafter,
    GenerationOptions generation, SpeculationOptions speculation, int groupSize, int batchSize)
{
    private readonly SpeculativeGenerator? _speculative = drafter is null ? null : new SpeculativeGenerator(policy, tokenizer, drafter);
    private readonly AutoregressiveGenerator _plain = new(policy, tokenizer);

    public string DrafterName => drafter?.Name ?? "none";

    /// <summary>Captures drafter-alignment supervision from the speculative forwards (ignored without a drafter).</summary>
    public SupervisionRecorder? Recorder
    {
        get => _speculative?.Recorder;
        init
        {
            if (_speculative is not null)
            {
                _speculative.Recorder = value;
            }
        }
    }

    public RolloutBatch Generate(IReadOnlyList<TaskExample> prompts, long policyVersion, ulong seed)
    {
        var clock = Stopwatch.StartNew();
        var examples = prompts.SelectMany(p => Enumerable.Repeat(p, groupSize)).ToList();
        var promptTokens = prompts.Select(p => PromptFormat.Prompt(tokenizer, p.Prompt)).SelectMany(t => Enumerable.Repeat(t, groupSize)).ToList();
        using var sampler = new TokenSampler(seed);
        var sequences = new List<GeneratedSequence>();
        var verifySteps = new List<IReadOnlyList<VerifyStepCounts>>();
        var (emitted, rowSteps) = (0L, 0L);
        foreach (var chunk in promptTokens.Chunk(batchSize))
        {
            if (_speculative is null)
            {
                var plain = _plain.Generate(chunk, generation, sampler);
                sequences.AddRange(plain);
                verifySteps.AddRange(plain.Select(_ => (IReadOnlyList<VerifyStepCounts>)[]));
                emitted += plain.Sum(s => s.Completion.Count);
                rowSteps += plain.Sum(s => s.Completion.Count);
            }
            else
            {
                var result = _speculative.Generate(chunk, generation, speculation, sampler);
                sequences.AddRange(result.Sequences);
                verifySteps.AddRange(result.VerifySteps);
                (emitted, rowSteps) = (emitted + result.Stats.Emitted, rowSteps + result.Stats.RowSteps);
            }
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var texts = sequences.Select(s => tokenizer.Decode(s.Completion)).ToList();
        var rewards = examples.Select((e, i) => task.Score(e, texts[i])).ToList();
        var rollouts = examples.Select((e, i) => new ScoredRollout(e.Id, promptTokens[i], sequences[i].Completion, sequences[i].LogProbs, rewards[i].Reward, policyVersion)).ToList();
        return new RolloutBatch(rollouts, examples, texts, rewards.Select(r => r.Failure).ToList(), verifySteps, seconds, emitted, rowSteps);
    }
}
