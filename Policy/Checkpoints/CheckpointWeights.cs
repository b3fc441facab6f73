using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace RlSpec.Policy.Checkpoints;

/// <summary>
/// The weight files of an HF model directory (<c>model.safetensors</c>, shards listed in
/// <c>model.safetensors.index.json</c>, or the same two for <c>pytorch_model.bin</c>) streamed into a module: every
/// file's tensors are described and checked against the module first (missing, unexpected, duplicated or mis-shaped
/// tensors fail naming file and tensor, before any data is read), then read file by file, tensor by tensor, straight
/// into the parameters.
/// </summary>
public static class CheckpointWeights
{
    public const string SafeTensorsFile = "model.safetensors";
    public const string SafeTensorsIndex = "model.safetensors.index.json";
    public const string PickleFile = "pytorch_model.bin";
    public const string PickleIndex = "pytorch_model.bin.index.json";

    /// <summary>Loads every tensor of <paramref name="module"/> from <paramref name="directory"/>; stored tensors
    /// for which <paramref name="ignored"/> holds (derived or duplicated ones) are skipped.</summary>
    public static void Load(nn.Module module, string directory, Func<string, bool> ignored)
    {
        var files = Open(directory);
        try
        {
            var stored = Index(files);
            var expected = module.state_dict();
            Check(expected, stored.Where(kv => !ignored(kv.Key)).ToDictionary(), directory);
            foreach (var file in files)
            {
                foreach (var tensor in file.Tensors.Where(t => !ignored(t.Name)))
                {
                    file.ReadInto(tensor, expected[tensor.Name]);
                }
            }
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }
    }

    /// <summary>The tensors of the directory's weight files, by name, without reading their data.</summary>
    public static IReadOnlyList<StoredTensor> Describe(string directory)
    {
        var files = Open(directory);
        try
        {
            return Index(files).Values.Select(v => v.Tensor).ToList();
        }
        finally
        {
            foreach (var file in files)
            {
                file.Dispose();
            }
        }
    }

    private static List<IWeightFile> Open(string directory)
    {
        if (File.Exists(Path.Combine(directory, SafeTensorsFile)))
        {
            return [new SafeTensorsWeightFile(Path.Combine(directory, SafeTensorsFile))];
        }

        if (File.Exists(Path.Combine(directory, SafeTensorsIndex)))
        {
            return OpenShards(Path.Combine(directory, SafeTensorsIndex), path => new SafeTensorsWeightFile(path));
        }

        if (File.Exists(Path.Combine(directory, PickleFile)))
        {
            return [new PickleWeightFile(Path.Combine(directory, PickleFile))];
        }

        if (File.Exists(Path.Combine(directory, PickleIndex)))
        {
            return OpenShards(Path.Combine(directory, PickleIndex), path => new PickleWeightFile(path));
        }

        throw new CheckpointFormatException($"{directory}: no weights found (expected {SafeTensorsFile}, {SafeTensorsIndex}, {PickleFile} or {PickleIndex}).");
    }

    /// <summary>Opens the shards an index names, in order of first mention, and checks that each tensor is where the index says.</summary>
    private static List<IWeightFile> OpenShards(string index, Func<string, IWeightFile> open)
    {
        JsonObject weightMap;
        try
        {
            weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"] as JsonObject
                ?? throw new CheckpointFormatException($"{index}: missing object 'weight_map'.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{index}: not valid JSON ({e.Message}).");
        }

        var where = weightMap.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s)
            ? s : throw new CheckpointFormatException($"{index}: weight_map['{kv.Key}'] must be a file name."));
        var files = new List<IWeightFile>();
        try
        {
            foreach (var shard in where.Values.Distinct())
            {
                var file = open(Path.Combine(Path.GetDirectoryName(index)!, shard));
                files.Add(file);
                var unlisted = file.Tensors.FirstOrDefault(t => where.GetValueOrDefault(t.Name) != shard);
                if (unlisted is not null)
                {
                    throw new CheckpointFormatException($"{file.Path}: holds tensor '{unlisted.Name}', which {Path.GetFileName(index)} places in '{where.GetValueOrDefault(unlisted.Name) ?? "no shard"}'.");
                }
            }

            var held = files.SelectMany(f => f.Tensors.Select(t => t.Name)).ToHashSet();
            var missing = where.Keys.FirstOrDefault(name => !held.Contains(name));
            if (missing is not null)
            {
                throw new CheckpointFormatException($"{index}: tensor '{missing}' is listed in shard '{where[missing]}', which does not hold it.");
            }

            return files;
        }
        catch
        {
            foreach (var file in files)
            {
                file.Dispose();
            }

            throw;
        }
    }

    private static Dictionary<string, (IWeightFile File, StoredTensor Tensor)> Index(IEnumerable<IWeightFile> files)
    {
        var stored = new Dictionary<string, (IWeightFile File, StoredTensor Tensor)>();
        foreach (var file in files)
        {
            foreach (var tensor in file.Tensors)
            {
                if (stored.TryGetValue(tensor.Name, out var first))
                {
                    throw new CheckpointFormatException($"{file.Path}: tensor '{tensor.Name}' is also stored in {first.File.Path}.");
                }

                stored[tensor.Name] = (file, tensor);
            }
        }

        return stored;
    }

    private static void Check(IReadOnlyDictionary<string, Tensor> expected, Dictionary<string, (IWeightFile File, StoredTensor Tensor)> stored, string directory)
    {
        foreach (var (name, target) in expected)
        {
            if (!stored.TryGetValue(name, out var found))
            {
                throw new CheckpointFormatException($"{directory}: missing tensor '{name}' (shape [{string.Join(", ", target.shape)}]).");
            }

            if (!found.Tensor.Shape.SequenceEqual(target.shape))
            {
                throw new CheckpointFormatException(
                    $"{found.File.Path}: tensor '{name}' has shape [{string.Join(", ", found.Tensor.Shape)}], the config needs [{string.Join(", ", target.shape)}].");
            }
        }

        var unexpected = stored.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        if (unexpected.Count > 0)
        {
            throw new CheckpointFormatException($"{stored[unexpected[0]].File.Path}: unexpected tensor '{unexpected[0]}' ({unexpected.Count} in all) for this config.");
        }
    }
}
