using FluentAssertions;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.NGram;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using RlSpec.Trainer.Runs;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Tests.Runs;

public sealed class DraftFlagsTests
{
    [Fact]
    public void Each_verify_step_gives_its_accepted_drafts_then_the_resample_or_the_bonus()
    {
        // Step 1: 4 drafts, 2 accepted → slots 1, 2 accepted, slot 3 resampled. Step 2: 3 of 3 → slots 1..3 and a bonus.
        // Step 3: a plain step (k = 0). Step 4: 4 drafts, 3 accepted, but the row stopped after 2 tokens.
        var (position, accepted) = DraftFlags.Derive([4, 3, 0, 4], [2, 3, 0, 3], 3 + 4 + 1 + 2);

        position.Should().Equal(1, 2, 3, 1, 2, 3, 0, 0, 1, 2);
        accepted.Should().Equal(true, true, false, true, true, true, false, false, true, true);
    }

    [Fact]
    public void Without_speculation_every_token_is_plain()
    {
        var (position, accepted) = DraftFlags.Derive([], [], 3);
        position.Should().Equal(0, 0, 0);
        accepted.Should().Equal(false, false, false);
    }

    /// <summary>
    /// The derivation against the engine itself: an n-gram drafter's q is one-hot, so an accepted draft is exactly the
    /// drafted token and the resample at a rejected slot never is. Every proposal is recorded by the context it continued,
    /// and every flagged token is checked against the draft that stood at its slot.
    /// </summary>
    [Fact]
    public void Flags_derived_from_the_counts_match_what_the_engine_drafted_and_kept()
    {
        var tokenizer = TextTokenizer.ForCharacters("abcdefgh");
        var policy = WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 2, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 48, MaxPositions: 64), 11);
        using (no_grad())
        {
            foreach (var p in policy.parameters())
            {
                p.TimesInPlace(4);   // sharper distributions: loops the n-gram drafter can predict, and rejections too
            }
        }

        policy.eval();
        var drafter = new RecordingDrafter(new NGramDrafter());
        var engine = new GenerationEngine(policy, tokenizer, drafter);
        var prompts = new[] { "abcab", "hgfe", "aaab", "cdcdc" }.Select(p => new GenerationRequest(tokenizer.Encode(p), 6)).ToList();
        var (checkedDrafts, rejections, bonuses, cutBlocks) = (0, 0, 0, 0);
        GenerationResult Run(IReadOnlyList<string>? stops) =>
            engine.Generate(prompts, new GenerationOptions(40, new SamplingParams(1.0), stops), new SpeculationOptions(4), 8, new TokenSampler(5));
        // Stop strings that end inside a block of accepted drafts in the first run cut those rows mid-block in the second.
        var first = Run(null);
        var stopsInBlocks = first.Sequences.Select((q, s) => MidBlockStop(tokenizer, q.Completion, first.VerifySteps[s])).OfType<string>().Distinct().Take(6).ToList();
        foreach (var result in new[] { first, Run(stopsInBlocks) })
        {
            for (var s = 0; s < result.Sequences.Count; s++)
            {
                var prompt = prompts[s / 6].Prompt;
                var completion = result.Sequences[s].Completion;
                var steps = result.VerifySteps[s];
                var (position, accepted) = DraftFlags.Derive([.. steps.Select(v => v.Proposed)], [.. steps.Select(v => v.Accepted)], completion.Count);
                cutBlocks += steps.Sum(v => v.Accepted + 1) > completion.Count ? 1 : 0;
                for (var j = 0; j < completion.Count; j++)
                {
                    if (position[j] == 0)
                    {
                        bonuses += j > 0 && position[j - 1] > 0 ? 1 : 0;
                        continue;
                    }

                    var start = j - (position[j] - 1);
                    var drafted = drafter.Proposals[Key([.. prompt, .. completion.Take(start)])];
                    drafted.Count.Should().BeGreaterThanOrEqualTo(position[j], $"slot {position[j]} held a draft");
                    (completion[j] == drafted[position[j] - 1]).Should().Be(accepted[j], $"token {j} of sequence {s} at draft slot {position[j]}");
                    checkedDrafts++;
                    rejections += accepted[j] ? 0 : 1;
                }
            }
        }

        checkedDrafts.Should().BeGreaterThan(50);
        rejections.Should().BeGreaterThan(5);
        (checkedDrafts - rejections).Should().BeGreaterThan(5);
        bonuses.Should().BeGreaterThan(0);
        cutBlocks.Should().BeGreaterThan(0, "some row stopped inside a block of accepted drafts");
    }

    private static string Key(IEnumerable<int> context) => string.Join(',', context);

    /// <summary>The text of three tokens whose first occurrence ends on an accepted draft that is not its block's last token.</summary>
    private static string? MidBlockStop(TextTokenizer tokenizer, IReadOnlyList<int> completion, IReadOnlyList<VerifyStepCounts> steps)
    {
        var (position, accepted) = DraftFlags.Derive([.. steps.Select(v => v.Proposed)], [.. steps.Select(v => v.Accepted)], completion.Count);
        for (var j = 2; j + 1 < completion.Count; j++)
        {
            var (text, prefix) = (tokenizer.Decode(completion.Skip(j - 2).Take(3).ToList()), tokenizer.Decode(completion.Take(j + 1).ToList()));
            if (accepted[j] && position[j + 1] == position[j] + 1 && prefix.IndexOf(text, StringComparison.Ordinal) == prefix.Length - text.Length)
            {
                return text;
            }
        }

        return null;
    }

    /// <summary>Passes everything to a deterministic drafter and keeps each proposal under the context it continued.</summary>
    private sealed class RecordingDrafter(IDrafter inner) : IDrafter
    {
        public Dictionary<string, IReadOnlyList<int>> Proposals { get; } = [];

        public string Name => inner.Name;

        public void Begin(int rows, SamplingParams sampling, int capacity) => inner.Begin(rows, sampling, capacity);

        public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler)
        {
            var proposal = inner.Propose(contexts, k, sampler);
            var tokens = proposal.Tokens.cpu().to_type(ScalarType.Int64);
            for (var b = 0; b < contexts.Count; b++)
            {
                Proposals[Key(contexts[b])] = [.. Enumerable.Range(0, proposal.Counts[b]).Select(i => (int)tokens[b, i].item<long>())];
            }

            return proposal;
        }

        public void Commit(IReadOnlyList<int> accepted) => inner.Commit(accepted);

        public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts) => inner.Prefill(firstRow, prompts);

        public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to) => inner.CopyRows(from, to);

        public void ResetRow(int row) => inner.ResetRow(row);

        public void End() => inner.End();
    }
}
