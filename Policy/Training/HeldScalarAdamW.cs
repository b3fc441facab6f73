using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Policy.Training;

/// <summary>
/// AdamW whose update holds every <see cref="Scalar"/> it hands libtorch until the call returns. TorchSharp's own
/// <c>AdamW.step()</c> converts its coefficients to temporary Scalars inside each call (<c>exp_avg.mul_(beta1).add_(grad,
/// alpha: 1 - beta1)</c>: nine per parameter per step, counting the alpha of <c>add_(eps)</c>), and a temporary Scalar can be finalized while libtorch still
/// reads it (see <see cref="Tensors.TensorArithmetic"/>): a collection at the wrong moment would hand the update another
/// Scalar's value, a learning rate or a beta silently swapped, or crash a run hours in. The parameters, the moments, the
/// learning-rate groups and the checkpoint format stay TorchSharp's (this wraps its <c>AdamW</c>, so optimizer files of
/// earlier runs load unchanged); only the step is this class's, the same operations in the same order on the same values,
/// so a seed trains bit for bit as it did (tested against TorchSharp's step).
/// </summary>
public sealed class HeldScalarAdamW : IDisposable
{
    private readonly TorchSharp.Modules.AdamW _inner;

    public HeldScalarAdamW(IEnumerable<TorchSharp.Modules.Parameter> parameters, double learningRate, double weightDecay)
    {
        _inner = optim.AdamW(parameters, learningRate, weight_decay: weightDecay);
    }

    /// <summary>The learning rate of every parameter group (schedules set it before each step).</summary>
    public double LearningRate
    {
        get => _inner.ParamGroups.First().LearningRate;
        set
        {
            foreach (var group in _inner.ParamGroups)
            {
                group.LearningRate = value;
            }
        }
    }

    public void ZeroGrad() => _inner.zero_grad();

    /// <summary>One AdamW update of every parameter with a gradient: decoupled weight decay, the moments, the bias-corrected step.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = _inner.state_dict().State;
        var index = 0;
        foreach (var group in _inner.ParamGroups.Cast<TorchSharp.Modules.AdamW.ParamGroup>())
        {
            var options = group.Options;
            if (options.amsgrad == true || options.maximize == true)
            {
                throw new NotSupportedException("HeldScalarAdamW implements plain AdamW (no amsgrad, no maximize).");
            }

            var (lr, beta1, beta2) = (options.LearningRate!.Value, options.beta1!.Value, options.beta2!.Value);
            using var decay = (1 - (lr * options.weight_decay!.Value)).ToScalar();
            using var keep1 = beta1.ToScalar();
            using var take1 = (1 - beta1).ToScalar();
            using var keep2 = beta2.ToScalar();
            using var take2 = (1 - beta2).ToScalar();
            using var eps = options.eps!.Value.ToScalar();
            foreach (var parameter in group.Parameters)
            {
                var state = (TorchSharp.Modules.AdamW.State)states[index++];
                var grad = parameter.grad;
                if (grad is null)
                {
                    continue;
                }

                state.step += 1;
                parameter.mul_(decay);
                var correction1 = 1 - Math.Pow(beta1, state.step);
                var correction2 = 1 - Math.Pow(beta2, state.step);
                state.exp_avg.mul_(keep1).add_(grad, take1);
                state.exp_avg_sq.mul_(keep2).addcmul_(grad, grad, take2);
                using var root = Math.Sqrt(correction2).ToScalar();
                var denominator = state.exp_avg_sq.sqrt().div(root).add_(eps, Tensors.TensorArithmetic.One);
                using var stepSize = (-(lr / correction1)).ToScalar();
                parameter.addcdiv_(state.exp_avg, denominator, stepSize);
            }
        }
    }

    /// <summary>Saves the moments and options in TorchSharp's optimizer format.</summary>
    public void Save(string path) => _inner.save_state_dict(path);

    /// <summary>Loads what <see cref="Save"/> (or TorchSharp's own AdamW) wrote for the same parameters.</summary>
    public void Load(string path) => _inner.load_state_dict(path);

    public void Dispose() => _inner.Dispose();
}
