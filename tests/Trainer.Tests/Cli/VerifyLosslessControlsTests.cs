using System.Text.Json;
using FluentAssertions;
using RlSpec.Trainer.Cli;
using Xunit;

namespace RlSpec.Trainer.Tests.Cli;

/// <summary>
/// The certificate earns trust by failing: each planted verification bug must make <c>verify-lossless</c> exit 1 at its
/// default sample size, while the honest sampler passes the same settings. Cases are chosen to be cheap yet to exercise
/// the path each bug sits on: a drafter whose q depends on the context for the residual (with context-free random
/// drafts, resampling from p instead of the residual happens to be unbiased on average), rejections for the accept
/// count, probabilistic q for its temperature, every draft accepted for the bonus.
/// </summary>
[Collection("console")]
public sealed class VerifyLosslessControlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-controls-").FullName;

    private (int Code, JsonElement Root) Verify(string drafter, string draftTokens, string bias)
    {
        var json = Path.Combine(_dir, $"{drafter}-{bias}.json");
        var code = CliApp.Run(["verify-lossless", "--drafter", drafter, "--draft-tokens", draftTokens, "--temperature", "1.0", "--top-k", "0", "--top-p", "1.0",
            "--adaptive", "off", "--inject-bias", bias, "--device", "cpu", "--threads", "2", "--json", json]);
        return (code, JsonDocument.Parse(File.ReadAllText(json)).RootElement.Clone());
    }

    [Theory]
    [InlineData("residual-from-p", "draft-model", "2")]
    [InlineData("bonus-from-q", "self", "2")]
    [InlineData("q-temperature", "random", "2")]
    [InlineData("accept-off-by-one", "random", "2")]
    public void A_planted_bias_makes_the_certificate_fail_at_its_default_sample_size(string bias, string drafter, string k)
    {
        var (code, root) = Verify(drafter, k, bias);
        code.Should().Be(1);
        root.GetProperty("injected_bias").GetString().Should().Be(bias);
        var only = root.GetProperty("cases").EnumerateArray().Single();
        only.GetProperty("samples").GetInt32().Should().Be(2000, "the default sample size");
        only.GetProperty("passed").GetBoolean().Should().BeFalse();
        only.GetProperty("min_p_value").GetDouble().Should().BeLessThan(root.GetProperty("per_test_threshold").GetDouble());
    }

    [Fact]
    public void The_honest_sampler_passes_the_same_settings_with_the_bonus_path_exercised()
    {
        var (code, root) = Verify("random,self,draft-model", "2", "none");
        code.Should().Be(0);
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        cases.Should().OnlyContain(c => c.GetProperty("passed").GetBoolean());
        cases.Single(c => c.GetProperty("drafter").GetString() == "self").GetProperty("bonus_fraction").GetDouble()
            .Should().BeGreaterThan(0.95, "the policy drafting for itself has every draft accepted");
        cases.Should().OnlyContain(c => c.GetProperty("at_limit_finished").GetInt32() > 0, "the prompt at the context limit is sampled to the limit");
        root.GetProperty("detectable_shift").GetDouble().Should().BeInRange(0.01, 0.2);
    }

    [Fact]
    public void In_float64_the_log_probs_agree_to_their_float32_storage_and_a_planted_bias_still_fails()
    {
        var (code, honest) = Run("none");
        code.Should().Be(0);
        honest.GetProperty("dtype").GetString().Should().Be("float64");
        honest.GetProperty("logprob_tolerance").GetDouble().Should().Be(1e-6);
        honest.GetProperty("cases").EnumerateArray().Single().GetProperty("logprob_max_abs_err").GetDouble().Should().BeLessThan(1e-6);

        // Rounding is not what makes a planted bug fail: in float64 it fails as it does in float32.
        Run("accept-off-by-one").Code.Should().Be(1);

        (int Code, JsonElement Root) Run(string bias)
        {
            var json = Path.Combine(_dir, $"float64-{bias}.json");
            var code = CliApp.Run(["verify-lossless", "--drafter", "random", "--draft-tokens", "2", "--temperature", "1.0", "--top-k", "0", "--top-p", "1.0",
                "--adaptive", "off", "--inject-bias", bias, "--dtype", "float64", "--device", "cpu", "--threads", "2", "--json", json]);
            return (code, JsonDocument.Parse(File.ReadAllText(json)).RootElement.Clone());
        }
    }

    [Fact]
    public void An_unknown_bias_is_refused_with_the_valid_names()
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            CliApp.Run(["verify-lossless", "--inject-bias", "sloppy", "--device", "cpu"]).Should().Be(2);
        }
        finally
        {
            Console.SetError(original);
        }

        error.ToString().Trim().Should().Be("error: unknown bias 'sloppy'; expected one of: none, residual-from-p, bonus-from-q, q-temperature, accept-off-by-one.");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
