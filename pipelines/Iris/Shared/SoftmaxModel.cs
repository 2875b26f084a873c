using System.Text.Json;
using System.Text.Json.Serialization;

namespace Iris.Model;

/// <summary>
/// A multinomial logistic regression (softmax) over standardised features, as saved in <c>model.json</c>.
/// Compiled into both the trainer and the scorer (linked source file), so both read and write the same format.
/// </summary>
internal sealed class SoftmaxModel
{
    public const string FormatName = "mlp.iris.softmax/v1";
    public const string FileName = "model.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    public required string[] Features { get; init; }
    public required string[] Classes { get; init; }
    public required double[] Means { get; init; }
    public required double[] Stds { get; init; }
    /// <summary>Weights[class][feature] over standardised features.</summary>
    public required double[][] Weights { get; init; }
    public required double[] Bias { get; init; }

    /// <summary>Class probabilities for one raw (unstandardised) feature vector.</summary>
    public double[] Probabilities(IReadOnlyList<double> raw)
    {
        if (raw.Count != Features.Length)
            throw new ArgumentException($"Expected {Features.Length} features ({string.Join(", ", Features)}), got {raw.Count}.");
        var x = new double[Features.Length];
        for (var j = 0; j < x.Length; j++) x[j] = (raw[j] - Means[j]) / Stds[j];
        return Softmax(Logits(x));
    }

    /// <summary>Logits for one standardised feature vector.</summary>
    public double[] Logits(double[] standardised)
    {
        var z = new double[Classes.Length];
        for (var k = 0; k < z.Length; k++)
        {
            var s = Bias[k];
            for (var j = 0; j < standardised.Length; j++) s += Weights[k][j] * standardised[j];
            z[k] = s;
        }
        return z;
    }

    public static double[] Softmax(double[] z)
    {
        var max = z.Max();
        var e = z.Select(v => Math.Exp(v - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Json));
    }

    public static SoftmaxModel Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            var found = Directory.Exists(directory) ? string.Join(", ", Directory.GetFiles(directory).Select(Path.GetFileName)) : "folder does not exist";
            throw new FileNotFoundException($"'{FileName}' not found in '{directory}' (found: {(found.Length == 0 ? "nothing" : found)}).", path);
        }
        var model = JsonSerializer.Deserialize<SoftmaxModel>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"'{path}' is empty.");
        if (model.Format != FormatName) throw new InvalidDataException($"'{path}' has format '{model.Format}', expected '{FormatName}'.");
        if (model.Weights.Length != model.Classes.Length || model.Bias.Length != model.Classes.Length ||
            model.Means.Length != model.Features.Length || model.Stds.Length != model.Features.Length ||
            model.Weights.Any(w => w.Length != model.Features.Length))
            throw new InvalidDataException($"'{path}' is inconsistent: {model.Classes.Length} classes, {model.Features.Length} features, but weight/bias/mean/std sizes differ.");
        return model;
    }
}
