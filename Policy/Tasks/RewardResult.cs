namespace RlSpec.Policy.Tasks;

/// <summary>Score of one completion; <see cref="Failure"/> says why it earned nothing (null when correct).</summary>
public sealed record RewardResult(double Reward, bool Correct, string? ExtractedAnswer, string? Failure)
{
    public static RewardResult Right(string answer) => new(1.0, true, answer, null);

    public static RewardResult Wrong(string? answer, string failure) => new(0.0, false, answer, failure);
}
