using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RlSpec.Policy.Model;

/// <summary>
/// Turns a module built on the <c>meta</c> device (shapes only, no storage, no initialisation) into one whose parameters
/// are uninitialised storage on a real device, for a checkpoint load that overwrites every one of them. Random
/// initialisation of a billion parameters takes tens of seconds on a CPU; this takes none.
/// </summary>
public static class ParameterMaterializer
{
    public static readonly Device Meta = new("meta");

    public static T Materialize<T>(T module, ScalarType dtype, Device device) where T : nn.Module
    {
        foreach (var owner in module.modules().Prepend(module))
        {
            foreach (var (name, meta) in owner.named_parameters(recurse: false).ToList())
            {
                // TorchSharp's modules (Linear, Embedding) and RmsNorm expose each parameter as a settable property of its name.
                var property = owner.GetType().GetProperty(name);
                if (property is null || !property.CanWrite || !property.PropertyType.IsAssignableFrom(typeof(Parameter)))
                {
                    throw new InvalidOperationException($"{owner.GetType().Name}.{name} cannot be replaced, so it cannot be materialized.");
                }

                property.SetValue(owner, new Parameter(empty(meta.shape, dtype, device), meta.requires_grad));
            }
        }

        var left = module.named_parameters().FirstOrDefault(p => p.parameter.device_type == TorchSharp.DeviceType.META);
        return left.name is null ? module : throw new InvalidOperationException($"parameter '{left.name}' is still on the meta device.");
    }
}
