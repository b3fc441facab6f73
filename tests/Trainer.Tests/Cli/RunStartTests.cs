using FluentAssertions;
using RlSpec.Policy.Checkpoints;
using RlSpec.Policy.Model;
using RlSpec.Policy.Tasks;
using RlSpec.Policy.Tokenization;
using Xunit;
using static RlSpec.Trainer.Tests.Cli.ConsoleCapture;

namespace RlSpec.Trainer.Tests.Cli;

/// <summary>A run that cannot start says why in one line and leaves no run directory (which would become a notebook's
/// "newest run" and make a retry in the same folder fail).</summary>
[Collection("console")]
public sealed class RunStartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-start-").FullName;

    private string RunDir => Path.Combine(_dir, "run");

    private string Policy()
    {
        var dir = Path.Combine(_dir, "policy");
        var tokenizer = TextTokenizer.ForCharacters(new ArithmeticTask(new ArithmeticTaskConfig()).Alphabet);
        PolicyCheckpoint.Save(dir, WeightInit.NewPolicy(new PolicyConfig(tokenizer.VocabSize, HiddenSize: 32, NumLayers: 1, NumHeads: 4, NumKvHeads: 2, IntermediateSize: 64), 5), tokenizer);
        return dir;
    }

    private (int Code, string Error) Train(params string[] sets) =>
        Run(["train", "--device", "cpu", "--threads", "1", "--set", $"logging.run_dir={RunDir}", "--set", "task.eval_prompts=0", .. sets.SelectMany(s => new[] { "--set", s })]);

    [Fact]
    public void A_missing_checkpoint_fails_in_one_line_before_the_run_directory_exists()
    {
        var (code, error) = Train("model.checkpoint=/nonexistent/ckpt");

        code.Should().Be(2);
        error.Trim().Should().Be("error: /nonexistent/ckpt: checkpoint directory not found.");
        Directory.Exists(RunDir).Should().BeFalse();
    }

    [Fact]
    public void Truncated_weights_fail_in_one_line_naming_the_file_before_the_run_directory_exists()
    {
        var policy = Policy();
        var weights = Path.Combine(policy, PolicyCheckpoint.WeightsFile);
        using (var file = File.OpenWrite(weights))
        {
            file.SetLength(file.Length / 2);
        }

        var (code, error) = Train($"model.checkpoint={policy}");

        code.Should().Be(2);
        error.Trim().Should().StartWith("error: ").And.Contain(weights).And.NotContain("\n");
        Directory.Exists(RunDir).Should().BeFalse();
    }

    [Fact]
    public void A_bad_dataset_fails_in_one_line_naming_the_file_and_line_before_the_run_directory_exists()
    {
        var data = Path.Combine(_dir, "data.jsonl");
        File.WriteAllLines(data, ["{\"prompt\": \"1+1=\", \"answer\": \"2\"}", "{\"prompt\": \"2+2=\"}"]);

        var (code, error) = Train($"model.checkpoint={Policy()}", "task.kind=jsonl", $"task.dataset={data}");

        code.Should().Be(2);
        error.Trim().Should().StartWith($"error: {data}:2: expected an object with string field 'answer'").And.NotContain("\n");
        Directory.Exists(RunDir).Should().BeFalse();
    }

    [Fact]
    public void A_run_directory_in_use_is_refused_naming_the_flags_train_has()
    {
        Directory.CreateDirectory(RunDir);
        File.WriteAllText(Path.Combine(RunDir, "config.yaml"), "seed: 1\n");

        var (code, error) = Train($"model.checkpoint={Policy()}");

        code.Should().Be(2);
        error.Should().Contain("--set logging.run_dir=").And.Contain($"--resume {RunDir}").And.NotContain("--out");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
