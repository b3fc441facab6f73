using static TorchSharp.torch;

namespace RlSpec.Trainer.Pipeline;

/// <summary>Where a replica gets the exact weights version its work names: the in-process <see cref="WeightStore"/>,
/// or on a rollout node the versions fetched from the trainer (<see cref="Cluster.WeightBlobCache"/>).</summary>
public interface IWeightSource
{
    /// <summary>Copies version <paramref name="version"/> into <paramref name="policy"/> (and <paramref name="drafter"/>);
    /// throws when that version is not held.</summary>
    void LoadInto(long version, nn.Module policy, nn.Module? drafter);
}
