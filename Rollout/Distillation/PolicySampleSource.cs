using RlSpec.Drafter.DraftModel;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Distillation;

/// <summary>Draws task prompts and completes them with the policy itself: the data a drafter must imitate.</summary>
public sealed class PolicySampleSource(PolicyModel policy, TextTokenizer tokenizer, IVerifiableTask task, GenerationOptions options, int batchSize, int seed)
{
    private readonly IEnumerator<TaskExample> _examples = task.Examples(seed).GetEnumerator();
    private readonly TokenSampler _sampler = new((ulong)seed);

    public DistillationBatch Next()
    {
        var prompts = new List<IReadOnlyList<int>>();
        for (var i = 0; i < batchSize && _examples.MoveNext(); i++)
        {
            prompts.Add(PromptFormat.Prompt(tokenizer, _examples.Current.Prompt));
        }

        var completions = new AutoregressiveGenerator(policy, tokenizer).Generate(prompts, options, _sampler);
        var sequences = prompts.Select((p, i) => (IReadOnlyList<int>)[.. p, .. completions[i].Completion]).ToList();
        return new DistillationBatch(sequences, prompts.Select(p => p.Count).ToList());
    }
}
