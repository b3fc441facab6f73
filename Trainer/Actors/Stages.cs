using Akka.Actor;
using RlSpec.Trainer.Grpo;
using RlSpec.Trainer.Pipeline;
using static RlSpec.Trainer.Grpo.GroupAdvantages;

namespace RlSpec.Trainer.Actors;

/// <summary>The pipeline's stage actors, each a thin route from its message to the plain class that does the work.</summary>
public static class Stages
{
    public static Props DataLoader(PromptCursor cursor) => StageActor<LoadPrompts>.Props((m, clock) =>
        new PromptsLoaded(m.Step, cursor.Next(m.Count), clock.Elapsed.TotalSeconds));

    public static Props WeightSync(Action<long> publish) => StageActor<PublishWeights>.Props((m, clock) =>
    {
        publish(m.Version);
        return new WeightsPublished(m.Version, clock.Elapsed.TotalSeconds);
    });

    public static Props LogProb(LogProbStage stage) => StageActor<RecomputeLogProbs>.Props((m, clock) =>
        new LogProbsRecomputed(m.Step, stage.Run(m.Rollouts, m.Version), clock.Elapsed.TotalSeconds));

    public static Props Learner(GrpoLearner learner, int groupSize, bool scaleByStd) => StageActor<UpdatePolicy>.Props((m, clock) =>
    {
        var advantages = Compute(m.Rollouts.Select(r => r.Reward).ToList(), groupSize, scaleByStd);
        return new PolicyUpdated(m.Step, learner.Update(m.Step, m.Rollouts, advantages, m.OldLogProbs), clock.Elapsed.TotalSeconds);
    });

    public static Props Aligner(DrafterAlignment alignment) => StageActor<AlignDrafter>.Props((m, clock) =>
        new DrafterAligned(m.Step, alignment.Align(m.Step, m.Version), clock.Elapsed.TotalSeconds));
}
