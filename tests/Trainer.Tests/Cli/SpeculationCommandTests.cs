using System.Text.Json;
using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using RlSpec.Trainer.Cli;
using Xunit;

namespace RlSpec.Trainer.Tests.Cli;

[Collection("console")]
public sealed class SpeculationCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-cli-").FullName;

    [Fact]
    public void Verify_lossless_writes_the_documented_json_and_exits_zero_when_every_case_passes()
    {
        var json = Path.Combine(_dir, "lossless.json");
        var code = CliApp.Run(["verify-lossless", "--drafter", "random,ngram", "--temperature", "0,1.0", "--top-k", "0", "--top-p", "0.9",
            "--adaptive", "off", "--samples", "300", "--device", "cpu", "--json", json]);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var cases = root.GetProperty("cases").EnumerateArray().ToList();
        cases.Should().HaveCount(4);
        foreach (var c in cases)
        {
            foreach (var key in new[] { "drafter", "draft_tokens", "temperature", "top_k", "top_p", "samples", "adaptive", "min_p_value", "max_tv", "tv_noise_bound",
                "logprob_max_abs_err", "processed_logprob_max_abs_err", "bonus_fraction", "at_limit_finished", "passed" })
            {
                c.TryGetProperty(key, out _).Should().BeTrue($"case objects carry '{key}'");
            }

            c.GetProperty("logprob_max_abs_err").GetDouble().Should().BeLessThan(1e-5);
            c.GetProperty("processed_logprob_max_abs_err").GetDouble().Should().BeLessThan(1e-5);
        }

        cases.Where(c => c.GetProperty("temperature").GetDouble() == 0).Should().OnlyContain(c => c.GetProperty("greedy_identical").GetBoolean());
        root.GetProperty("passed").GetBoolean().Should().Be(cases.All(c => c.GetProperty("passed").GetBoolean()));
        code.Should().Be(root.GetProperty("passed").GetBoolean() ? 0 : 1);
        root.GetProperty("passed").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public void Bench_generation_writes_one_row_per_method_and_batch_with_the_documented_fields()
    {
        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        var checkpoint = Path.Combine(_dir, "policy");
        PolicyCheckpoint.Save(checkpoint, WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, NumLayers: 2), 3), tokenizer);
        var json = Path.Combine(_dir, "bench.json");

        var code = CliApp.Run(["bench", "generation", "--checkpoint", checkpoint, "--drafter", "ngram", "--batch", "1,4", "--repeats", "1",
            "--max-new-tokens", "8", "--device", "cpu", "--json", json]);

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        rows.Should().HaveCount(6, "per batch size: AR, ngram fixed k, ngram adaptive");
        foreach (var key in new[] { "drafter", "batch", "draft_tokens", "tokens_per_s", "speedup_vs_ar", "acceptance_length", "acceptance_rate", "verify_cost_ratio", "draft_cost_ratio", "bound_speedup" })
        {
            rows.Should().OnlyContain(r => HasProperty(r, key), $"rows carry '{key}'");
        }

        rows.Should().OnlyContain(r => r.GetProperty("tokens_per_s").GetDouble() > 0);
        foreach (var row in rows.Where(r => r.GetProperty("drafter").GetString() == "ngram" && !r.GetProperty("adaptive").GetBoolean()))
        {
            // One fraction per draft position up to k (n-gram proposals vary in length, so the fractions need not fall with i).
            var byPosition = row.GetProperty("acceptance_by_position").EnumerateArray().Select(a => a.GetDouble()).ToList();
            byPosition.Should().HaveCount(row.GetProperty("draft_tokens").GetInt32());
            byPosition.Should().OnlyContain(a => a >= 0 && a <= 1);
        }
    }

    [Fact]
    public void Bench_rollout_times_one_step_plainly_and_speculatively_with_consistent_phase_rates()
    {
        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        var checkpoint = Path.Combine(_dir, "rollout-policy");
        PolicyCheckpoint.Save(checkpoint, WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, NumLayers: 2), 3), tokenizer);
        var json = Path.Combine(_dir, "rollout.json");

        var code = CliApp.Run(["bench", "rollout", "--checkpoint", checkpoint, "--set", "speculation.drafter=ngram", "--set", "rollout.prompts_per_step=4",
            "--set", "rollout.group_size=4", "--set", "rollout.max_new_tokens=12", "--set", "rollout.batch_size=6", "--repeats", "2", "--warmup", "1",
            "--device", "cpu", "--threads", "1", "--json", json]);

        code.Should().Be(0);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToList();
        rows.Select(r => r.GetProperty("method").GetString()).Should().Equal("plain", "ngram k=4 fixed", "ngram k=4 adaptive");
        rows[0].GetProperty("speedup").GetDouble().Should().Be(1);
        rows[0].GetProperty("speculative_step_share").GetDouble().Should().Be(0);
        rows[1].GetProperty("speculative_step_share").GetDouble().Should().Be(1, "fixed k drafts on every step");
        foreach (var row in rows)
        {
            // 16 samples in 6 slots: a full phase and a draining one, and the overall rate pools them.
            var (all, full, draining) = (row.GetProperty("tokens_per_s").GetDouble(), row.GetProperty("full_tokens_per_s").GetDouble(), row.GetProperty("draining_tokens_per_s").GetDouble());
            all.Should().BeInRange(Math.Min(full, draining) * (1 - 1e-9), Math.Max(full, draining) * (1 + 1e-9));
            row.GetProperty("live_batch").EnumerateArray().Sum(l => l.GetProperty("steps").GetInt64()).Should().BePositive();
            row.GetProperty("live_batch").EnumerateArray().Should().OnlyContain(l => l.GetProperty("live").GetInt32() >= 1 && l.GetProperty("live").GetInt32() <= 6);
        }
    }

    private static bool HasProperty(JsonElement element, string key) => element.TryGetProperty(key, out _);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
