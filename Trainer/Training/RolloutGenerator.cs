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
/// The generation stage: G samples of every prompt through the continuous-batching engine (<c>batchSize</c> slots,
/// one prefill per prompt), speculative when a drafter is given (same distribution, different speed), scored by the
/// task. Every sample draws from its own stream of the step's seed, so a step replays exactly whatever the slot count.
/// </summary>
public sealed class RolloutGenerator(PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, IDrafter? drafter,
    GenerationOptions generation, SpeculationOptions speculation, int groupSize, int batchSize) : IDisposable
{
    private readonly GenerationEngine _engine = new(policy, tokenizer, drafter);

    public string DrafterName => drafter?.Name ?? "none";

    /// <summary>Captures drafter-alignment supervision from the generation forwards.</summary>
    public SupervisionRecorder? Recorder
    {
        get => _engine.Recorder;
        init => _engine.Recorder = value;
    }

    /// <param name="speculate">False: plain decoding for this call, without the drafter (it keeps its weights and the
    /// controller what it learnt, for the next speculative call), e.g. while the drafter's health has switched speculation off.</param>
    public RolloutBatch Generate(IReadOnlyList<TaskExample> prompts, long policyVersion, ulong seed, bool speculate = true)
    {
        var clock = Stopwatch.StartNew();
        if (_engine.Recorder is { } recorder)
        {
            recorder.PolicyVersion = policyVersion;   // the weights these forwards run with: what the drafter will be aligned to
        }

        var examples = prompts.SelectMany(p => Enumerable.Repeat(p, groupSize)).ToList();
        var encoded = prompts.Select(p => PromptFormat.Prompt(tokenizer, p.Prompt)).ToList();
        var promptTokens = encoded.SelectMany(t => Enumerable.Repeat(t, groupSize)).ToList();
        var result = _engine.Generate(encoded.Select(t => new GenerationRequest(t, groupSize)).ToList(), generation,
            speculate ? speculation : speculation with { DraftTokens = 0 }, batchSize, new TokenSampler(seed));
        var sequences = result.Sequences;
        var seconds = clock.Elapsed.TotalSeconds;
        var texts = sequences.Select(s => tokenizer.Decode(s.Completion)).ToList();
        var rewards = examples.Select((e, i) => task.Score(e, texts[i])).ToList();
        var rollouts = examples.Select((e, i) => new ScoredRollout(e.Id, promptTokens[i], sequences[i].Completion, sequences[i].LogProbs, rewards[i].Reward, policyVersion)).ToList();
        return new RolloutBatch(rollouts, examples, texts, rewards.Select(r => r.Failure).ToList(), result.VerifySteps, seconds, result.Stats.Emitted, result.Stats.RowSteps,
            [.. sequences.Select(s => s.ProcessedLogProbs)]);
    }

    public void Dispose() => _engine.Dispose();
}
