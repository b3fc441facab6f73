using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Model;
using RlSpec.Policy.Sampling;
using RlSpec.Policy.Tokenization;
using RlSpec.Rollout.Speculative;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Generation;

/// <summary>
/// The rollout engine: continuous batching over a fixed number of slots, with lossless speculative decoding decided
/// step by step on the rows live now. Each call queues its requests' samples; a finished row leaves its slot at once
/// and the next queued sample takes it; a prompt is prefilled once and copied to its samples (<see cref="SlotScheduler"/>).
/// Without a drafter every step is a plain sampling step (k = 0), which is the baseline speculation is measured against:
/// one code path for both. Every sequence draws from its own random stream, so with a fixed k its completion depends
/// on (seed, sequence id) alone, not on the slot count or on which sequences shared its batch. The speculation
/// controller and drafter outlive calls (RL generates batch after batch); drafter state is per call.
/// </summary>
public sealed class GenerationEngine(PolicyModel model, TextTokenizer tokenizer, IDrafter? drafter = null) : IDisposable
{
    /// <summary>Parking rows prompts are prefilled into (a round prefills at most this many prompts at once).</summary>
    public const int MaxParkingRows = 16;

    private LiveBatchController? _controller;
    private KvCache? _cache;

    public PolicyModel Model => model;

    public TextTokenizer Tokenizer => tokenizer;

    public IDrafter? Drafter => drafter;

    /// <summary>When set, every committed position's features and policy distribution are kept for drafter alignment.</summary>
    public SupervisionRecorder? Recorder { get; set; }

    /// <summary>A planted verification bug, for the certificate's negative controls only.</summary>
    public PlantedBias Bias { get; init; }

    /// <summary>The live-batch speculation controller (kept across calls; a new one when the options change).</summary>
    public LiveBatchController Controller(SpeculationOptions speculation)
    {
        if (_controller is null || _controller.Options != speculation)
        {
            _controller = new LiveBatchController(speculation);
        }

        return _controller;
    }

    /// <param name="requests">Prompts and their sample counts; sequence ids number the samples in request order.</param>
    /// <param name="slots">Sequences decoded together (the live batch's ceiling).</param>
    /// <param name="sampler">Source of every random draw; bound to the live rows' sequence ids each step.</param>
    public GenerationResult Generate(IReadOnlyList<GenerationRequest> requests, GenerationOptions options, SpeculationOptions speculation, int slots, TokenSampler sampler)
    {
        var sampling = options.EffectiveSampling.Validated();
        if (requests.Count == 0)
        {
            return new GenerationResult([], new SpeculationStats(), [], new LiveBatchStats());
        }

        foreach (var request in requests)
        {
            if (request.Prompt.Count == 0 || request.Prompt.Count >= model.Config.MaxPositions)
            {
                throw new ArgumentException($"prompts must be non-empty and shorter than the model's MaxPositions ({model.Config.MaxPositions}); got one of {request.Prompt.Count} tokens.");
            }
        }

        // A plain call (k = 0: the drafter's health or speculation.plain_every switched speculation off for this batch)
        // runs without the drafter: it would only read states it never drafts from (a hidden-state drafter's capture and
        // backlog each step), and the run's controller keeps what it has learnt for the next speculative call.
        var active = speculation.DraftTokens == 0 ? null : drafter;
        var controller = active is null ? null : Controller(speculation);
        controller?.BeginRun();
        var scheduler = new SlotScheduler(requests.Select(r => r.Samples).ToList(), slots, Math.Min(slots, MaxParkingRows));
        // Draft positions a row may not use near the limit are padding, which the cache writes to its sink slot.
        var capacity = model.Config.MaxPositions;
        var cache = Cache(scheduler.Rows, capacity);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        active?.Begin(scheduler.Rows, sampling, capacity);
        Recorder?.Begin();
        try
        {
            var run = new GenerationRun(this, active, requests, options, sampling, scheduler, cache, controller, sampler);
            return run.Complete();
        }
        finally
        {
            active?.End();
            Recorder?.End();
        }
    }

    /// <summary>
    /// The policy's KV cache, reused from call to call while its shape fits (RL generates batch after batch, and a
    /// fresh one means allocating and zeroing every layer's buffers): stale slots are harmless, since every row starts
    /// at length 0 and positions past a length are never read.
    /// </summary>
    private KvCache Cache(int rows, int capacity)
    {
        if (_cache is null || _cache.BatchSize != rows || _cache.Capacity != capacity)
        {
            _cache?.Dispose();
            _cache = model.NewCache(rows, capacity);
        }

        for (var row = 0; row < rows; row++)
        {
            _cache.Rollback(row, 0);
        }

        return _cache;
    }

    /// <summary>Layers a call's drafter (null: a plain call) and the recorder read from every forward (null = none).</summary>
    internal IReadOnlyCollection<int>? CaptureLayers(IDrafter? active) =>
        ((active as IHiddenStateDrafter)?.CaptureLayers ?? []).Union(Recorder?.Options.Layers ?? []).ToArray() is { Length: > 0 } layers ? layers : null;

    public void Dispose()
    {
        _cache?.Dispose();
        _cache = null;
    }
}
