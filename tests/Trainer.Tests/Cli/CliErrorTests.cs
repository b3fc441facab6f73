using FluentAssertions;
using RlSpec.Policy.Runtime;
using RlSpec.Trainer.Cli;
using Xunit;

namespace RlSpec.Trainer.Tests.Cli;

[Collection("console")]
public sealed class CliErrorTests
{
    private static (int Code, string Error) Run(params string[] args) => ConsoleCapture.Run(args);

    [Fact]
    public void An_unknown_flag_exits_non_zero_naming_it()
    {
        var (code, error) = Run("sft", "--stepz", "3");
        code.Should().NotBe(0);
        error.Should().Contain("--stepz");
    }

    [Theory]
    [InlineData("--join", "localhost", "error: --join 'localhost': expected HOST:PORT of the trainer node, e.g. 127.0.0.1:4053.")]
    [InlineData("--join", "127.0.0.1:4053", "error: --workers must be in 1..64, got 0.", "--workers", "0")]
    [InlineData("--join", "127.0.0.1:4053", "error: --set needs --config (it overrides keys of the expected config).", "--set", "seed=2")]
    public void A_worker_with_bad_flags_exits_with_one_line_before_joining_anything(params string[] argsAndError)
    {
        var error = argsAndError[2];
        var (code, text) = Run(["worker", argsAndError[0], argsAndError[1], .. argsAndError[3..]]);
        code.Should().Be(2);
        text.Trim().Should().Be(error);
    }

    [Fact]
    public void The_run_header_says_how_many_threads_each_mode_uses_and_how_to_leave_a_core_free()
    {
        RuntimeSetup.Describe(3, 3, 1).Should().Be("3 torch thread(s) (model.threads)");
        RuntimeSetup.Describe(TorchThreads.AllCores, 2, 1).Should().Contain("model.threads -1: all").And.Contain("set model.threads or --threads to 0");
        RuntimeSetup.Describe(TorchThreads.Auto, 1, 1).Should().Contain("auto:").And.Contain("one left free");
    }

    [Theory]
    [InlineData("error: /nonexistent/ckpt: checkpoint directory not found.")]
    [InlineData("error: --threads / model.threads: expected a count >= 1, 0 (auto: physical cores less one) or -1 (every physical core); got -5.",
        "--threads", "-5")] // checked on commands without a config too, before the checkpoint is read
    public void A_missing_checkpoint_directory_or_a_thread_count_below_minus_one_is_a_one_line_error(string line, params string[] flags)
    {
        var (code, error) = Run(["eval", "--checkpoint", "/nonexistent/ckpt", "--device", "cpu", .. flags]);
        code.Should().Be(2);
        error.Trim().Should().Be(line);
    }

    [Theory]
    [InlineData("--max-digits", "12", "*max_digits*")]
    [InlineData("--ops", "*", "*operations*")]
    [InlineData("--device", "tpu", "*device must be one of*")]
    [InlineData("--steps", "0", "*steps*")]
    public void Bad_values_name_the_setting_and_what_is_allowed(string flag, string value, string message)
    {
        var (code, error) = Run("sft", flag, value, "--out", Path.Combine(Path.GetTempPath(), $"rlspec-never-{Guid.NewGuid():N}"));
        code.Should().Be(2);
        error.Should().Match(message);
    }

    [Fact]
    public void A_command_that_saves_what_it_trains_refuses_float64_which_is_for_loading_only()
    {
        var (code, error) = Run("train-eagle", "--policy", "/nonexistent/ckpt", "--dtype", "float64", "--device", "cpu");
        code.Should().Be(2);
        error.Trim().Should().Be("error: --dtype: 'float64' is not a model dtype that can be saved (float64 is for loading only) (expected one of: float32, bfloat16, float16).");
    }

    [Fact]
    public void A_bad_dtype_flag_is_a_one_line_error_naming_the_flag()
    {
        var (code, error) = Run("eval", "--checkpoint", "/nonexistent/ckpt", "--dtype", "fp8", "--device", "cpu");
        code.Should().Be(2);
        error.Trim().Should().Be("error: --dtype: 'fp8' is not a model dtype (expected one of: float32, bfloat16, float16, float64).");
    }

    [Theory]
    [InlineData("model.dtype=half", "*'model.dtype' must be one of float32, bfloat16, float16; got 'half'*")]
    [InlineData("model.dtype=float64", "*'model.dtype' must be one of float32, bfloat16, float16; got 'float64'*")]
    [InlineData("task.prompt_template=/nonexistent/template.txt", "*task.prompt_template: '/nonexistent/template.txt' is neither a file nor a template containing {prompt}*")]
    public void Bad_model_and_template_settings_fail_before_a_run_directory_exists(string setting, string message)
    {
        var runDir = Path.Combine(Path.GetTempPath(), $"rlspec-never-{Guid.NewGuid():N}");
        var (code, error) = Run("train", "--set", setting, "--set", "task.kind=jsonl", "--set", "task.dataset=/nonexistent/data.jsonl", "--set", $"logging.run_dir={runDir}");
        code.Should().Be(2);
        error.Should().Match(message);
        Directory.Exists(runDir).Should().BeFalse("nothing is written for a config that cannot run");
    }

    [Fact]
    public void A_libstdcxx_load_failure_is_explained_with_the_fix()
    {
        var failure = new TypeInitializationException("TorchSharp.torch", new NotSupportedException("This application uses TorchSharp but...\nTrying to load native component\n..."));
        TorchRuntime.Explain(failure, libStdCxxTooOld: true).Should().Contain("GCC 13+").And.Contain("scripts/setup.sh");
        var other = TorchRuntime.Explain(failure, libStdCxxTooOld: false);
        other.Should().Contain("This application uses TorchSharp but...").And.NotContain("Trying to load").And.NotContain("\n");
    }

    [Fact]
    public void A_bad_train_config_is_a_one_line_error_naming_the_key_and_nothing_is_written()
    {
        var runDir = Path.Combine(Path.GetTempPath(), $"rlspec-never-{Guid.NewGuid():N}");
        var (code, error) = Run("train", "--set", "rollout.group_sise=4", "--set", $"logging.run_dir={runDir}");

        code.Should().Be(2);
        error.Trim().Should().Be("error: --set: unknown key 'rollout.group_sise'; did you mean 'rollout.group_size'? "
            + "(valid here: prompts_per_step, group_size, max_new_tokens, temperature, top_k, top_p, batch_size)");
        Directory.Exists(runDir).Should().BeFalse();
    }

    [Fact]
    public void Resume_refuses_a_directory_that_is_not_a_run()
    {
        var (code, error) = Run("train", "--resume", Path.GetTempPath());
        code.Should().Be(2);
        error.Should().Contain("no config.yaml there");
    }
}
