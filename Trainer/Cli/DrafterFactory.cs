using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Drafter.Mtp;
using RlSpec.Drafter.NGram;
using RlSpec.Drafter.Random;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using TorchSharp;

namespace RlSpec.Trainer.Cli;

/// <summary>
/// Builds drafters by their command-line names. Trained drafters come from disk: the draft model from
/// <c>draftCheckpoint</c>, the EAGLE head from <c>&lt;policyCheckpoint&gt;/eagle/</c>. Without them a seeded random
/// stand-in is used, which drafts badly but exercises the same lossless path.
/// </summary>
public sealed class DrafterFactory(PolicyModel policy, TextTokenizer tokenizer, string? draftCheckpoint, long seed, string? policyCheckpoint = null)
{
    public static readonly string[] Names = ["ngram", "draft-model", "random", "mtp", "eagle"];

    private PolicyModel? _draft;
    private EagleHead? _eagle;

    public IDrafter Create(string name) => name switch
    {
        "ngram" => new NGramDrafter(device: policy.Device),
        "random" => new RandomDrafter(policy.Config.VocabSize, policy.Device),
        "draft-model" => new DraftModelDrafter(Draft(), tokenizer.Special.Pad),
        "mtp" when policy.Config.MtpHeads > 0 => new MtpDrafter(policy),
        "eagle" => new EagleDrafter(policy, Eagle()),
        "mtp" => throw new ArgumentException("drafter 'mtp' needs a policy with MTP heads: pass a checkpoint made by `rlspec train-mtp`."),
        _ => throw new ArgumentException($"unknown drafter '{name}'; expected one of: {string.Join(", ", Names)}."),
    };

    /// <summary>Whether the draft model is a trained checkpoint (or a random stand-in).</summary>
    public bool HasTrainedDraft => draftCheckpoint is not null;

    /// <summary>Whether an EAGLE head was saved beside the policy checkpoint (or a random stand-in is used).</summary>
    public bool HasTrainedEagle => policyCheckpoint is not null && EagleCheckpoint.Exists(policyCheckpoint);

    private EagleHead Eagle()
    {
        if (_eagle is not null)
        {
            return _eagle;
        }

        if (HasTrainedEagle)
        {
            return _eagle = EagleCheckpoint.Load(policyCheckpoint!, policy).Head;
        }

        torch.manual_seed(seed + 23);
        _eagle = new EagleHead(policy.Config, EagleConfig.For(policy.Config)).to(policy.Device).to(policy.DType);
        _eagle.eval();
        return _eagle;
    }

    private PolicyModel Draft()
    {
        if (_draft is not null)
        {
            return _draft;
        }

        if (draftCheckpoint is not null)
        {
            var (model, draftTokenizer) = PolicyCheckpoint.Load(draftCheckpoint, policy.Device);
            if (draftTokenizer.VocabSize != tokenizer.VocabSize || model.Config.VocabSize != policy.Config.VocabSize)
            {
                throw new ArgumentException($"{draftCheckpoint}: the draft model's vocabulary ({model.Config.VocabSize}) differs from the policy's ({policy.Config.VocabSize}).");
            }

            return _draft = model;
        }

        // No trained draft: a random one-layer model; poor proposals, still a valid lossless test.
        _draft = WeightInit.NewPolicy(DraftModelShape.For(policy.Config), seed + 17, std: 0.1).to(policy.Device);
        _draft.eval();
        return _draft;
    }
}
