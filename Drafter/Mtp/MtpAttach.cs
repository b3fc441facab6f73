using RlSpec.Policy.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace RlSpec.Drafter.Mtp;

/// <summary>Builds a copy of a policy with fresh MTP heads: every existing tensor copied, heads seeded.</summary>
public static class MtpAttach
{
    public static PolicyModel WithHeads(PolicyModel policy, int heads, long seed)
    {
        var extended = WeightInit.NewPolicy(policy.Config with { MtpHeads = heads }, seed).to(policy.Device);
        var target = extended.state_dict();
        using (no_grad())
        {
            foreach (var (name, value) in policy.state_dict().Where(kv => !kv.Key.StartsWith("mtp_heads.", StringComparison.Ordinal)))
            {
                target[name].copy_(value);
            }
        }

        extended.eval();
        return extended;
    }
}
