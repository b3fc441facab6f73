using RlSpec.Trainer.Pipeline;
using static TorchSharp.torch;

namespace RlSpec.Trainer.Cluster;

/// <summary>
/// A rollout node's weights versions, as verified blobs fetched from the trainer; its replicas load from here. Versions
/// may arrive in any order (a re-dealt chunk of an asynchronous run can name an older one); the newest <c>keep</c> are
/// kept. Thread-safe: the node actor adds, the workers' threads load.
/// </summary>
public sealed class WeightBlobCache(int keep) : IWeightSource
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, byte[]> _versions = [];

    public bool Has(long version)
    {
        lock (_gate)
        {
            return _versions.ContainsKey(version);
        }
    }

    public void Add(long version, byte[] blob)
    {
        lock (_gate)
        {
            _versions[version] = blob;
            while (_versions.Count > keep)
            {
                _versions.Remove(_versions.Keys.First());
            }
        }
    }

    public void LoadInto(long version, nn.Module policy, nn.Module? drafter)
    {
        byte[]? blob;
        lock (_gate)
        {
            _versions.TryGetValue(version, out blob);
        }

        WeightBlob.LoadInto(blob ?? throw new InvalidOperationException($"weights version {version} has not been fetched by this node."), version, policy, drafter);
    }
}
