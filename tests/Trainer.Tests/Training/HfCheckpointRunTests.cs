using System.Text.Json;
using FluentAssertions;
using RlSpec.Policy.Tests.Checkpoints;
using RlSpec.Trainer.Cli;
using RlSpec.Trainer.Config;
using RlSpec.Trainer.Runs;
using Xunit;

namespace RlSpec.Trainer.Tests.Training;

/// <summary>The whole trainer on a tiny Qwen3 checkpoint in Hugging Face's layout with bf16 weights.</summary>
[Collection("console")]
public sealed class HfCheckpointRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rlspec-hfrun-").FullName;

    private string Qwen3()
    {
        var checkpoint = Path.Combine(_dir, "qwen3");
        HfLayoutCheckpoints.Write(checkpoint, HfLayoutCheckpoints.Qwen3Config());
        return checkpoint;
    }

    [Theory]
    [InlineData("float32")]
    [InlineData("bfloat16")]
    public void A_three_step_grpo_run_with_eagle_speculation_trains_a_bf16_qwen3_checkpoint(string dtype)
    {
        var runDir = Path.Combine(_dir, $"run-{dtype}");
        var config = ConfigLoader.Load(null,
        [
            $"model.checkpoint={Qwen3()}", $"model.dtype={dtype}", "model.device=cpu", "model.threads=1", "task.max_digits=2", "task.eval_prompts=4",
            "rollout.prompts_per_step=3", "rollout.group_size=2", "rollout.max_new_tokens=8", "drafter.pretrain_steps=2", "drafter.steps_per_update=2",
            "trainer.steps=3", "logging.checkpoint_every=3", $"logging.run_dir={runDir}",
        ]);

        TrainCommand.Fresh(config);

        var metrics = MetricsLog.Read(Path.Combine(runDir, MetricsLog.FileName));
        metrics.Select(r => r.Step).Should().Equal(1, 2, 3);
        metrics.Should().OnlyContain(r => double.IsFinite(r.Loss) && double.IsFinite(r.GradNorm) && double.IsFinite(r.DrafterKl), "every stage ran on finite numbers");
        RolloutLog.Read(Path.Combine(runDir, RolloutLog.FileName)).Records.Should().HaveCount(3 * 3 * 2);
        var saved = Path.Combine(RunCheckpoint.Latest(runDir)!, "config.json");
        using var savedConfig = JsonDocument.Parse(File.ReadAllText(saved));
        savedConfig.RootElement.GetProperty("model_type").GetString().Should().Be("qwen3");
        savedConfig.RootElement.GetProperty("torch_dtype").GetString().Should().Be(dtype, "checkpoints are written in the dtype trained in");
    }

    [Fact]
    public void Verify_lossless_passes_on_the_qwen3_checkpoint_loaded_in_bfloat16()
    {
        var code = CliApp.Run(["verify-lossless", "--checkpoint", Qwen3(), "--dtype", "bfloat16", "--drafter", "ngram,random", "--temperature", "0,1.0",
            "--top-k", "0", "--top-p", "1.0", "--samples", "300", "--prompts", "1", "--device", "cpu", "--json", Path.Combine(_dir, "lossless.json")]);
        code.Should().Be(0);
    }

    [Fact]
    public void Inspect_reports_architecture_parameters_tokenizer_and_ids_as_json()
    {
        var checkpoint = Qwen3();
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            CliApp.Run(["inspect", checkpoint, "--text", "<|im_start|>12+3=", "--json"]).Should().Be(0);
        }
        finally
        {
            Console.SetOut(original);
        }

        using var json = JsonDocument.Parse(output.ToString());
        var root = json.RootElement;
        root.GetProperty("model_type").GetString().Should().Be("qwen3");
        root.GetProperty("architecture").GetProperty("head_dim").GetInt32().Should().Be(16);
        root.GetProperty("parameters_by_dtype").GetProperty("bfloat16").GetInt64().Should().Be(root.GetProperty("parameters").GetInt64()).And.BeGreaterThan(0);
        root.GetProperty("tokenizer_vocab_size").GetInt32().Should().Be(100);
        root.GetProperty("special_tokens").GetProperty("eos").GetProperty("text").GetString().Should().Be("<|im_end|>");
        root.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(98, 16, 17, 10, 18, 28);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
