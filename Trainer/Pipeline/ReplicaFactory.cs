using RlSpec.Drafter.Alignment;
using RlSpec.Drafter.Eagle;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Training;
using TorchSharp;

namespace RlSpec.Trainer.Pipeline;

/// <summary>
/// Builds rollout workers' replicas: a policy (and EAGLE head) of the run's shape, filled from
/// <paramref name="weights"/> before its first chunk, with its own drafter and generator. The trainer's in-process
/// pool and every rollout node build them here, so both generate with the same code from the same inputs.
/// </summary>
/// <param name="eagle">The EAGLE or chunk head's shape when the drafter is a trained head (its weights travel with each version).</param>
/// <param name="policyDirectory">Where other drafters look for their files (draft models, MTP heads).</param>
/// <param name="supervision">Where an in-process worker records drafter-alignment supervision from its own generation
/// forwards (null: the log-prob stage's recompute forward records it).</param>
public sealed class ReplicaFactory(RunConfig config, PolicyConfig shape, EagleConfig? eagle, TextTokenizer tokenizer, IVerifiableTask task,
    torch.Device device, torch.ScalarType dtype, IWeightSource weights, string policyDirectory, (SupervisionOptions Options, SupervisionBuffer Buffer)? supervision = null)
{
    public PolicyReplica Create()
    {
        var policy = new PolicyModel(shape, dtype, device);
        policy.eval();
        var head = eagle is null ? null : new EagleHead(shape, eagle).to(device).to(dtype);
        var rollout = config.Rollout;
        var generation = new GenerationOptions(rollout.MaxNewTokens, new SamplingParams(rollout.Temperature, rollout.TopK, rollout.TopP));
        var speculation = config.Speculation.Options();
        return new PolicyReplica(weights, policy, head, (p, h) =>
            new RolloutGenerator(p, tokenizer, task, TrainingSetup.DrafterFor(config, p, h, tokenizer, policyDirectory), generation, speculation, rollout.GroupSize,
                rollout.BatchSize)
            {
                Recorder = supervision is var (options, buffer) ? new SupervisionRecorder(options, buffer) : null,
            });
    }
}
