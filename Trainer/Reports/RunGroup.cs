namespace RlSpec.Trainer.Reports;

/// <summary>Runs whose configs are equal but for the seed: one setting, repeated, so its numbers get a spread.</summary>
/// <param name="Label">The keys that set this group apart from the report's other groups (e.g. <c>speculation.enabled=false</c>).</param>
/// <param name="Runs">Its runs, in the order given.</param>
public sealed record RunGroup(string Label, IReadOnlyList<RunStats> Runs)
{
    public IReadOnlyList<string> Seeds => Runs.Select(r => r.Run.Seed ?? "?").ToList();

    public bool Speculative => Runs.Any(r => r.Run.Speculative);

    public MeanSd FinalReward => MeanSd.Of(Runs.Select(r => r.FinalReward));

    public MeanSd FinalAccuracy => MeanSd.Of(Runs.Select(r => r.FinalAccuracy));

    public MeanSd AccuracyAfter => MeanSd.Of(Runs.Select(r => r.Run.AccuracyAfter ?? double.NaN));

    public MeanSd AcceptanceLength => MeanSd.Of(Runs.Select(r => r.AcceptanceLength));

    public MeanSd TokensPerSecond => MeanSd.Of(Runs.Select(r => r.TokensPerSecond));

    public MeanSd StepSeconds => MeanSd.Of(Runs.Select(r => r.StepSeconds));

    /// <summary>Mean seconds per stage over the group's runs.</summary>
    public Dictionary<string, double> StageSeconds =>
        StageTimes.Labels.ToDictionary(l => l, l => MeanSd.Of(Runs.Select(r => r.StageSeconds[l])).Mean);

    /// <summary>Acceptance by draft position summed over the group's runs.</summary>
    public PositionAcceptance Positions
    {
        get
        {
            var sum = new PositionAcceptance();
            foreach (var run in Runs)
            {
                sum.Add(run.Run.Rollouts.Positions);
            }

            return sum;
        }
    }

    /// <summary>A metrics column per step over the group's runs: mean and sample sd at each step any run reached
    /// (sd 0 where only one run has the step).</summary>
    public (double[] Steps, double[] Mean, double[] Sd) Curve(string column)
    {
        var byStep = new SortedDictionary<int, List<double>>();
        foreach (var run in Runs)
        {
            var steps = run.Run.Steps;
            var values = run.Run.Metrics.Numbers(column);
            for (var i = 0; i < steps.Length; i++)
            {
                if (!double.IsNaN(values[i]))
                {
                    (byStep.TryGetValue(steps[i], out var list) ? list : byStep[steps[i]] = []).Add(values[i]);
                }
            }
        }

        var stats = byStep.Values.Select(MeanSd.Of).ToArray();
        return (byStep.Keys.Select(s => (double)s).ToArray(), stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.Sd).ToArray());
    }
}
