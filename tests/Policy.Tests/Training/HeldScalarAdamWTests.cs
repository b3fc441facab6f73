using FluentAssertions;
using RlSpec.Policy.Tensors;
using RlSpec.Policy.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace RlSpec.Policy.Tests.Training;

/// <summary>
/// RlSpec's AdamW replaces TorchSharp's step only to hold its Scalars; a seed must train exactly as it did with
/// TorchSharp's (the README's warm-start and GRPO figures come from that), and optimizer files of earlier runs must
/// still resume.
/// </summary>
public sealed class HeldScalarAdamWTests
{
    private const double WeightDecay = 0.01;

    [Fact]
    public void Steps_equal_TorchSharps_AdamW_bit_for_bit_with_weight_decay_and_a_schedule()
    {
        var (ours, theirs) = TwinParameters();
        using var held = new HeldScalarAdamW(ours, 3e-3, WeightDecay);
#pragma warning disable RS0030 // the reference this class must reproduce
        using var reference = optim.AdamW(theirs, 3e-3, weight_decay: WeightDecay);
        for (var step = 0; step < 8; step++)
        {
            var lr = 3e-3 * (step + 1) / 8;
            held.LearningRate = lr;
            foreach (var group in reference.ParamGroups)
            {
                group.LearningRate = lr;
            }

            StepBoth(step, ours, held, theirs, reference);
        }
#pragma warning restore RS0030

        ShouldBeEqual(ours, theirs);
        ours[0].eq(Initial(0)).all().item<bool>().Should().BeFalse("the steps must have moved the weights");
        ours[2].eq(Initial(2)).all().item<bool>().Should().BeTrue("a parameter without a gradient is left alone, weight decay included");
    }

    [Fact]
    public void Optimizer_files_resume_across_TorchSharps_AdamW_and_this_one_exactly()
    {
        // Three steps each, then each continues from the other's file: this one from a file TorchSharp's AdamW wrote (an
        // earlier build's run directory), TorchSharp's from this one's.
        var (ours, theirs) = TwinParameters();
        var (oursFile, theirsFile) = (TempFile(), TempFile());
        try
        {
#pragma warning disable RS0030 // the reference this class must reproduce
            using (var held = new HeldScalarAdamW(ours, 1e-2, WeightDecay))
            using (var reference = optim.AdamW(theirs, 1e-2, weight_decay: WeightDecay))
            {
                for (var step = 0; step < 3; step++)
                {
                    StepBoth(step, ours, held, theirs, reference);
                }

                held.Save(oursFile);
                reference.save_state_dict(theirsFile);
            }

            using var resumed = new HeldScalarAdamW(ours, 1e-2, WeightDecay);
            using var resumedReference = optim.AdamW(theirs, 1e-2, weight_decay: WeightDecay);
            resumed.Load(theirsFile);
            resumedReference.load_state_dict(oursFile);
            for (var step = 3; step < 6; step++)
            {
                StepBoth(step, ours, resumed, theirs, resumedReference);
            }
#pragma warning restore RS0030

            ShouldBeEqual(ours, theirs);
        }
        finally
        {
            File.Delete(oursFile);
            File.Delete(theirsFile);
        }
    }

    /// <summary>The same gradients into both sets of parameters, then one step of each optimizer.</summary>
    private static void StepBoth(int step, Parameter[] ours, HeldScalarAdamW held, Parameter[] theirs, TorchSharp.Modules.AdamW reference)
    {
        Backward(ours, step, held.ZeroGrad);
        Backward(theirs, step, reference.zero_grad);
        held.Step();
#pragma warning disable RS0030 // the reference this class must reproduce
        reference.step();
#pragma warning restore RS0030
    }

    private static string TempFile() => Path.Combine(Path.GetTempPath(), $"rlspec-adamw-{Guid.NewGuid():N}.bin");

    /// <summary>Two identical sets of parameters: a matrix, a vector and one the loss never reaches (no gradient).</summary>
    private static (Parameter[] Ours, Parameter[] Theirs) TwinParameters()
    {
        Parameter[] Make() => [.. Enumerable.Range(0, 3).Select(i => new Parameter(Initial(i)))];
        return (Make(), Make());
    }

    private static Tensor Initial(int index)
    {
        using var generator = new Generator(17 + (ulong)index);
        return index == 1 ? randn(5, generator: generator) : randn(4, 6, generator: generator);
    }

    /// <summary>A loss whose gradient differs every step, through the first two parameters only.</summary>
    private static void Backward(Parameter[] parameters, int step, Action zeroGrad)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(100 + (ulong)step);
        zeroGrad();
        var loss = parameters[0].tanh().mul(randn(4, 6, generator: generator)).sum()
            .Plus(parameters[1].Squared().mul(randn(5, generator: generator)).sum());
        loss.backward();
    }

    private static void ShouldBeEqual(Parameter[] ours, Parameter[] theirs)
    {
        foreach (var (a, b) in ours.Zip(theirs))
        {
            a.eq(b).all().item<bool>().Should().BeTrue("every weight must equal TorchSharp's AdamW's bit for bit");
        }
    }
}
