using System.Text.Json;
using RlSpec.Policy.Tasks;

namespace RlSpec.Trainer.Rewards;

/// <summary>
/// A user dataset as a verifiable task: one JSON object per line with string fields <c>prompt</c> and
/// <c>answer</c> (an optional <c>id</c>). The whole file is checked when loaded, and a bad line fails with its
/// file and line number. Examples cycle through the rows in a seeded order, reshuffled each pass.
/// </summary>
public sealed class JsonlTask : IVerifiableTask
{
    private readonly List<TaskExample> _rows;
    private readonly AnswerReward _reward;

    public JsonlTask(string path, AnswerReward reward)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: dataset not found.", path);
        }

        _reward = reward;
        _rows = [];
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            _rows.Add(Parse(line, $"{path}:{number}"));
        }

        if (_rows.Count == 0)
        {
            throw new InvalidDataException($"{path}: dataset has no rows.");
        }

        Name = Path.GetFileNameWithoutExtension(path);
    }

    public string Name { get; }

    public string Alphabet => new(_rows.SelectMany(r => r.Prompt + r.Answer).Distinct().Order().ToArray());

    public int Count => _rows.Count;

    public IEnumerable<TaskExample> Examples(int seed)
    {
        var rng = new Random(seed);
        while (true)
        {
            var order = Enumerable.Range(0, _rows.Count).ToArray();
            rng.Shuffle(order);
            foreach (var i in order)
            {
                yield return _rows[i];
            }
        }
    }

    public RewardResult Score(TaskExample example, string completion) => _reward.Score(completion, example.Answer);

    private TaskExample Parse(string line, string where)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(line).RootElement;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{where}: not valid JSON ({e.Message}).");
        }

        string Field(string name) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw new InvalidDataException($"{where}: expected an object with string field '{name}'.");

        var id = root.TryGetProperty("id", out var idValue) ? idValue.ToString() : where;
        return new TaskExample(id, Field("prompt"), Field("answer"), null);
    }
}
