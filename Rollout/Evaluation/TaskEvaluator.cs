using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Policy.Training;
using RlSpec.Rollout.Generation;

namespace RlSpec.Rollout.Evaluation;

/// <summary>Greedy accuracy on a fixed, seeded set of held-out problems (a seed the training stream never uses).</summary>
public sealed class TaskEvaluator(PolicyModel model, TextTokenizer tokenizer)
{
    /// <summary>Seed of the held-out example stream; training streams use other seeds.</summary>
    public const int HeldOutSeed = 999_983;

    /// <param name="progress">Receives the number of problems scored so far after each batch.</param>
    public EvaluationResult Evaluate(IVerifiableTask task, int count, int batchSize = 64, int maxNewTokens = 96, IProgress<int>? progress = null)
    {
        var generator = new AutoregressiveGenerator(model, tokenizer);
        var options = new GenerationOptions(maxNewTokens, SamplingParams.Greedy);
        var examples = task.Examples(HeldOutSeed).Take(count).ToList();
        var samples = new List<(TaskExample, string, RewardResult)>();
        var correct = 0;
        var scored = 0;
        long tokens = 0;
        // Chunks several slot-fulls long: continuous batching keeps the slots busy, chunks keep progress visible.
        foreach (var chunk in examples.Chunk(batchSize * 4))
        {
            var prompts = chunk.Select(e => PromptFormat.Prompt(tokenizer, e.Prompt)).ToList();
            var outputs = generator.Generate(prompts, options, new TokenSampler(0), slots: batchSize);
            for (var i = 0; i < chunk.Length; i++)
            {
                var text = tokenizer.Decode(outputs[i].Completion);
                var reward = task.Score(chunk[i], text);
                correct += reward.Correct ? 1 : 0;
                tokens += outputs[i].Completion.Count;
                if (samples.Count < 5)
                {
                    samples.Add((chunk[i], text, reward));
                }
            }

            scored += chunk.Length;
            progress?.Report(scored);
        }

        return new EvaluationResult(examples.Count, correct, examples.Count == 0 ? 0 : (double)tokens / examples.Count, samples);
    }
}
