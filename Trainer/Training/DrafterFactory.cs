using RlSpec.Drafter.Chunk;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Drafter.Mtp;
using RlSpec.Drafter.NGram;
using RlSpec.Drafter.RandomTokens;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tokenization;
using TorchSharp;

namespace RlSpec.Trainer.Training;

/// <summary>
/// Builds drafters by their command-line names. Trained drafters come from disk: the draft model from
/// <c>draftCheckpoint</c>, the EAGLE head from <c>&lt;policyCheckpoint&gt;/eagle/</c>. Without them a seeded random
/// stand-in is used, which drafts badly but exercises the same lossless path. <c>self</c> (for the losslessness check) is
/// the policy drafting for itself: q = p, every draft accepted, every step ending in a bonus token.
/// </summary>
public sealed class DrafterFactory(PolicyModel policy, TextTokenizer tokenizer, string? draftCheckpoint, long seed, string? policyCheckpoint = null)
{
    public static readonly string[] Names = ["ngram", "draft-model", "random", "mtp", "eagle", "chunk"];

    private PolicyModel? _draft;
    private EagleHead? _eagle;
    private EagleHead? _chunk;

    public IDrafter Create(string name) => name switch
    {
        "ngram" => new NGramDrafter(device: policy.Device),
        "random" => new RandomDrafter(policy.Config.VocabSize, policy.Device),
        "draft-model" => new DraftModelDrafter(Draft(), tokenizer.Special.Pad),
        "mtp" when policy.Config.MtpHeads > 0 => new MtpDrafter(policy),
        "eagle" => new EagleDrafter(policy, _eagle ??= Head(chunk: false)),
        "chunk" => new ChunkDrafter(policy, _chunk ??= Head(chunk: true)),
        "self" => new DraftModelDrafter(policy, tokenizer.Special.Pad),
        "mtp" => throw new ArgumentException("drafter 'mtp' needs a policy with MTP heads: pass a checkpoint made by `rlspec train-mtp`."),
        _ => throw new ArgumentException($"unknown drafter '{name}'; expected one of: {string.Join(", ", Names)}, self."),
    };

    /// <summary>Whether the draft model is a trained checkpoint (or a random stand-in).</summary>
    public bool HasTrainedDraft => draftCheckpoint is not null;

    /// <summary>Whether a trained head for drafter <paramref name="name"/> (eagle or chunk) was saved beside the policy checkpoint.</summary>
    public bool HasTrainedHead(string name) => policyCheckpoint is not null && EagleCheckpoint.Exists(policyCheckpoint, chunk: name == "chunk");

    /// <summary>The EAGLE or chunk head saved beside the policy, or a seeded random stand-in.</summary>
    private EagleHead Head(bool chunk)
    {
        if (HasTrainedHead(chunk ? "chunk" : "eagle"))
        {
            return EagleCheckpoint.Load(policyCheckpoint!, policy, chunk).Head;
        }

        torch.manual_seed(seed + 23);
        var head = new EagleHead(policy.Config, EagleConfig.For(policy.Config, chunk)).to(policy.Device).to(policy.DType);
        head.eval();
        return head;
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
