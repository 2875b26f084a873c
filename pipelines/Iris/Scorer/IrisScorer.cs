using System.Text.Json;
using Iris.Model;
using MlPipelines.Scoring;

namespace Iris.Scorer;

/// <summary>
/// Scores iris samples with the softmax model in <c>model.json</c>. Accepts <c>{"data": [[5.1,3.5,1.4,0.2], …]}</c>
/// (rows in feature order, or objects with named features), a bare array of rows, or one object with named features
/// (<c>{"sepal_length": 5.1, …}</c>). Returns <c>{"predictions": ["setosa", …], "probabilities": [{"setosa": 0.97, …}, …]}</c>.
/// </summary>
public sealed class IrisScorer : IScorer
{
    private SoftmaxModel? _model;

    /// <inheritdoc />
    public void Init(string modelDirectory) => _model = SoftmaxModel.Load(modelDirectory);

    /// <inheritdoc />
    public object? Score(JsonElement input)
    {
        var model = _model ?? throw new InvalidOperationException("IrisScorer.Init was not called.");
        var rows = Rows(input, model);
        var probabilities = rows.Select(model.Probabilities).ToList();
        return new ScoreResult(
            probabilities.Select(p => model.Classes[ArgMax(p)]).ToList(),
            probabilities.Select(p => model.Classes.Select((c, i) => (c, p[i])).ToDictionary(x => x.c, x => x.Item2)).ToList());
    }

    private static List<double[]> Rows(JsonElement input, SoftmaxModel model)
    {
        var rows = input.ValueKind switch
        {
            JsonValueKind.Object when input.TryGetProperty("data", out var data) => data,
            JsonValueKind.Object => default(JsonElement?),
            JsonValueKind.Array => input,
            _ => throw Bad($"expected a JSON object or array, got {input.ValueKind}"),
        };
        if (rows is null) return [Named(input, model, "the request")];
        if (rows.Value.ValueKind != JsonValueKind.Array) throw Bad($"'data' must be an array of rows, got {rows.Value.ValueKind}");
        var result = new List<double[]>();
        var index = 0;
        foreach (var row in rows.Value.EnumerateArray())
        {
            var where = $"row {index}";
            result.Add(row.ValueKind switch
            {
                JsonValueKind.Array => Positional(row, model, where),
                JsonValueKind.Object => Named(row, model, where),
                _ => throw Bad($"{where} must be an array of {model.Features.Length} numbers or an object with named features, got {row.ValueKind}"),
            });
            index++;
        }
        if (result.Count == 0) throw Bad("'data' is empty");
        return result;
    }

    private static double[] Positional(JsonElement row, SoftmaxModel model, string where)
    {
        var values = row.EnumerateArray().ToList();
        if (values.Count != model.Features.Length)
            throw Bad($"{where} has {values.Count} values; expected {model.Features.Length} ({string.Join(", ", model.Features)})");
        return values.Select((v, j) => Number(v, $"{where}, feature '{model.Features[j]}'")).ToArray();
    }

    private static double[] Named(JsonElement row, SoftmaxModel model, string where)
    {
        var missing = model.Features.Where(f => !row.TryGetProperty(f, out _)).ToList();
        if (missing.Count > 0)
            throw Bad($"{where} is missing {string.Join(", ", missing.Select(m => $"'{m}'"))}; expected features {string.Join(", ", model.Features)} or {{\"data\": [[…]]}}");
        return model.Features.Select(f => Number(row.GetProperty(f), $"{where}, feature '{f}'")).ToArray();
    }

    private static double Number(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw Bad($"{where}: {v.GetRawText()} is not a number");

    private static ArgumentException Bad(string message) => new("Invalid iris scoring request: " + message + ".");

    private static int ArgMax(double[] p)
    {
        var best = 0;
        for (var i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}

/// <summary>The response of <see cref="IrisScorer"/>.</summary>
/// <param name="Predictions">Predicted class per row.</param>
/// <param name="Probabilities">Probability of each class per row.</param>
public sealed record ScoreResult(
    [property: System.Text.Json.Serialization.JsonPropertyName("predictions")] IReadOnlyList<string> Predictions,
    [property: System.Text.Json.Serialization.JsonPropertyName("probabilities")] IReadOnlyList<Dictionary<string, double>> Probabilities);
