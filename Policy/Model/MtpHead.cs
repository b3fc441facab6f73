using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// One multi-token-prediction head: a residual SiLU block on the final hidden state. Its output goes through the
/// policy's own final norm and LM head, so each head adds only hidden² parameters.
/// </summary>
public sealed class MtpHead : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // field names are checkpoint keys
    private readonly Linear proj;
#pragma warning restore IDE1006

    public MtpHead(PolicyConfig config, ScalarType? dtype = null, Device? device = null) : base(nameof(MtpHead))
    {
        proj = nn.Linear(config.HiddenSize, config.HiddenSize, hasBias: false, device, dtype);
        RegisterComponents();
    }

    /// <param name="hidden">Final-layer residual stream [N, hidden] (before the final norm).</param>
    public override Tensor forward(Tensor hidden) => hidden.Plus(nn.functional.silu(proj.call(hidden)));
}
