using FluentAssertions;
using RlSpec.Drafter.Chunk;
using RlSpec.Drafter.Drafting;
using RlSpec.Drafter.DraftModel;
using RlSpec.Drafter.Eagle;
using RlSpec.Drafter.Mtp;
using RlSpec.Drafter.NGram;
using RlSpec.Drafter.RandomTokens;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Rollout.Generation;
using RlSpec.Rollout.Speculative;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Tests.Generation;

public sealed class GenerationEngineTests
{
    private static readonly PolicyModel Policy = MtpAttach.WithHeads(TinyModels.Policy(), 3, seed: 2);
    private static readonly EagleHead Eagle = NewEagle();
    private static readonly GenerationRequest[] Groups = [.. TinyModels.Prompts.Select(p => new GenerationRequest(p, 5))];

    private static readonly EagleHead Chunk = NewEagle(chunk: true);

    private static EagleHead NewEagle(bool chunk = false)
    {
        manual_seed(8);
        var head = new EagleHead(Policy.Config, EagleConfig.For(Policy.Config, chunk));
        head.eval();
        return head;
    }

    private static IDrafter? Make(string name) => name switch
    {
        "none" => null,
        "ngram" => new NGramDrafter(),
        "random" => new RandomDrafter(23),
        "mtp" => new MtpDrafter(Policy),
        "eagle" => new EagleDrafter(Policy, Eagle),
        "chunk" => new ChunkDrafter(Policy, Chunk),
        _ => new DraftModelDrafter(TinyModels.Policy(seed: 5, layers: 1), TinyModels.Tokenizer.Special.Pad),
    };

    public static TheoryData<string> Drafters => ["none", "ngram", "random", "draft-model", "mtp", "eagle", "chunk"];

    private static GenerationResult Run(string drafter, int slots, GenerationOptions options, IReadOnlyList<GenerationRequest>? requests = null, ulong seed = 3) =>
        new GenerationEngine(Policy, TinyModels.Tokenizer, Make(drafter))
            .Generate(requests ?? Groups, options, new SpeculationOptions(3, Adaptive: false), slots, new TokenSampler(seed));

    [Theory]
    [MemberData(nameof(Drafters))]
    public void The_same_rollouts_come_out_whatever_the_slot_count(string drafter)
    {
        var options = new GenerationOptions(20, new SamplingParams(1.0));
        var reference = Run(drafter, slots: 20, options).Sequences;
        foreach (var slots in new[] { 1, 3, 7 })
        {
            var result = Run(drafter, slots, options).Sequences;
            for (var i = 0; i < reference.Count; i++)
            {
                result[i].Completion.Should().Equal(reference[i].Completion, $"sequence {i} with {slots} slots");
                result[i].Finish.Should().Be(reference[i].Finish);
            }
        }

        reference.Select(s => string.Join(',', s.Completion)).Distinct().Count().Should().BeGreaterThan(TinyModels.Prompts.Length, "samples of one prompt differ");
    }

    [Theory]
    [MemberData(nameof(Drafters))]
    public void Prompts_whose_length_plus_budget_reaches_the_context_limit_finish_like_plain_decoding(string drafter)
    {
        // Regression: the verify forward used to ask for positions past MaxPositions near the limit and throw.
        var limit = Policy.Config.MaxPositions;
        var prompts = new[] { 50, 37, 61, 63 }.Select(n => new GenerationRequest([.. Enumerable.Range(0, n).Select(i => 4 + (i % 17))], 2)).ToList();
        var options = new GenerationOptions(limit, SamplingParams.Greedy);
        var plain = Run("none", 3, options, prompts).Sequences;
        var spec = Run(drafter, 3, options, prompts).Sequences;
        for (var i = 0; i < plain.Count; i++)
        {
            spec[i].Completion.Should().Equal(plain[i].Completion, $"greedy sequence {i}");
            spec[i].Finish.Should().Be(plain[i].Finish);
            (prompts[i / 2].Prompt.Count + spec[i].Completion.Count).Should().BeLessThanOrEqualTo(limit);
        }

        plain.Should().Contain(s => s.Finish == FinishReason.Length, "some row runs into the limit");
        var sampled = Run(drafter, 3, options with { Sampling = new SamplingParams(1.0) }, prompts).Sequences;
        sampled.Select((s, i) => prompts[i / 2].Prompt.Count + s.Completion.Count).Should().OnlyContain(n => n <= limit);
    }

    [Fact]
    public void A_plain_call_between_speculative_ones_keeps_the_live_batch_controller()
    {
        // Training alternates them (speculation.plain_every, or the drafter's health switching speculation off): the
        // controller must keep its measurements across the plain call, or every speculative step starts learning anew.
        var engine = new GenerationEngine(Policy, TinyModels.Tokenizer, Make("eagle"));
        var adaptive = new SpeculationOptions(3, Adaptive: true);
        var options = new GenerationOptions(12, new SamplingParams(1.0));
        engine.Generate(Groups, options, adaptive, 8, new TokenSampler(1));
        var learnt = engine.Controller(adaptive);
        learnt.CostModel(8).Should().NotBeNull("the first call measured plain and speculative steps at 8 rows");

        engine.Generate(Groups, options, adaptive with { DraftTokens = 0 }, 8, new TokenSampler(2)).Stats.StepsByK.Keys.Should().Equal([0]);
        engine.Controller(adaptive).Should().BeSameAs(learnt);
    }

    [Fact]
    public void A_plain_call_leaves_the_drafter_alone_and_samples_what_an_engine_without_one_does()
    {
        // A plain call never drafts, so a hidden-state drafter would only pay for reading states (captured layers, its
        // backlog) every step; it must not even be started.
        var options = new GenerationOptions(12, new SamplingParams(1.0));
        var plain = new SpeculationOptions(0, Adaptive: true);
        var untouched = new GenerationEngine(Policy, TinyModels.Tokenizer, new UntouchableDrafter()).Generate(Groups, options, plain, 8, new TokenSampler(5));
        var without = new GenerationEngine(Policy, TinyModels.Tokenizer).Generate(Groups, options, plain, 8, new TokenSampler(5));
        untouched.Sequences.Select(s => s.Completion).Should().BeEquivalentTo(without.Sequences.Select(s => s.Completion), o => o.WithStrictOrdering());
        untouched.VerifySteps.Should().OnlyContain(steps => steps.Count == 0, "every token is plain, as without a drafter");
    }

    /// <summary>A hidden-state drafter any use of which (but its name) fails the test.</summary>
    private sealed class UntouchableDrafter : IHiddenStateDrafter
    {
        public string Name => "untouchable";

        public IReadOnlyCollection<int> CaptureLayers => Touched<IReadOnlyCollection<int>>();

        public void Begin(int rows, SamplingParams sampling, int capacity) => Touched();

        public DraftProposal Propose(IReadOnlyList<IReadOnlyList<int>> contexts, int k, TokenSampler sampler) => Touched<DraftProposal>();

        public void Commit(IReadOnlyList<int> accepted) => Touched();

        public void Prefill(int firstRow, IReadOnlyList<IReadOnlyList<int>> prompts) => Touched();

        public void CopyRows(IReadOnlyList<int> from, IReadOnlyList<int> to) => Touched();

        public void ResetRow(int row) => Touched();

        public void End() => Touched();

        public void ObserveHidden(IReadOnlyDictionary<int, Tensor> hidden, int firstRow, IReadOnlyList<int> committed, IReadOnlyList<IReadOnlyList<int>> nextTokens) => Touched();

        private static void Touched() => Touched<object>();

        private static T Touched<T>() => throw new InvalidOperationException("a plain call used the drafter");
    }

    [Fact]
    public void Finished_rows_cost_nothing_and_each_group_is_prefilled_once()
    {
        var result = Run("eagle", slots: 6, new GenerationOptions(16, new SamplingParams(1.0)));
        var perSequence = result.VerifySteps.Sum(s => s.Count);
        result.Stats.RowSteps.Should().Be(perSequence, "every row a step feeds belongs to a sequence still generating");
        result.LiveBatch.Rows.Sum(r => r.Steps * r.Live).Should().Be(perSequence);
        result.LiveBatch.Rows.Should().OnlyContain(r => r.Live <= 6);
        result.LiveBatch.Prefills.Should().Be(Groups.Length, "a group of 5 split across slots is still prefilled once");
        result.LiveBatch.Tokens.Should().Be(result.Sequences.Sum(s => s.Completion.Count));
        result.LiveBatch.DrainingTokens.Should().BeGreaterThan(0);
        result.LiveBatch.FullTokens.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Adaptive_speculation_keeps_greedy_output_exact_as_the_batch_drains()
    {
        var options = new GenerationOptions(30, SamplingParams.Greedy);
        var engine = new GenerationEngine(Policy, TinyModels.Tokenizer, new EagleDrafter(Policy, Eagle));
        var plain = Run("none", 8, options).Sequences;
        for (var repeat = 0; repeat < 3; repeat++)
        {
            var spec = engine.Generate(Groups, options, new SpeculationOptions(3, Adaptive: true, ProbeEvery: 2), 8, new TokenSampler(9)).Sequences;
            spec.Select(s => s.Completion).Should().BeEquivalentTo(plain.Select(s => s.Completion), o => o.WithStrictOrdering());
        }
    }
}
