using Akka.Actor;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Pipeline;
using static RlSpec.Trainer.Grpo.GroupAdvantages;

namespace RlSpec.Trainer.Actors;

/// <summary>The pipeline's stage actors, each a thin route from its message to the plain class that does the work.</summary>
public static class Stages
{
    public static Props DataLoader(IComputeThread compute, PromptCursor cursor) => StageActor<LoadPrompts>.Props(compute, (m, clock) =>
        new PromptsLoaded(m.Step, cursor.Next(m.Count), clock.Elapsed.TotalSeconds));

    public static Props WeightSync(IComputeThread compute, Action<long> publish) => StageActor<PublishWeights>.Props(compute, (m, clock) =>
    {
        publish(m.Version);
        return new WeightsPublished(m.Version, clock.Elapsed.TotalSeconds);
    });

    public static Props LogProb(IComputeThread compute, LogProbStage stage) => StageActor<RecomputeLogProbs>.Props(compute, (m, clock) =>
        new LogProbsRecomputed(m.Step, stage.Run(m.Rollouts, m.Version, m.Step), clock.Elapsed.TotalSeconds));

    public static Props Learner(IComputeThread compute, GrpoLearner learner, int groupSize, bool scaleByStd) => StageActor<UpdatePolicy>.Props(compute, (m, clock) =>
    {
        var advantages = Compute(m.Rollouts.Select(r => r.Reward).ToList(), groupSize, scaleByStd);
        return new PolicyUpdated(m.Step, learner.Update(m.Step, m.Rollouts, advantages, m.OldLogProbs), clock.Elapsed.TotalSeconds);
    });

    public static Props Aligner(IComputeThread compute, DrafterAlignment alignment) => StageActor<AlignDrafter>.Props(compute, (m, clock) =>
        new DrafterAligned(m.Step, alignment.Align(m.Step, m.Version), clock.Elapsed.TotalSeconds));
}
