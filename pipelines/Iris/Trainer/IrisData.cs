using System.Globalization;

namespace Iris.Trainer;

/// <summary>One labelled sample.</summary>
internal sealed record Sample(double[] Features, string Label);

/// <summary>Loads the iris CSV and splits it per class (stratified), deterministically for a seed.</summary>
internal static class IrisData
{
    public static readonly string[] FeatureNames = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
    public const string LabelColumn = "species";

    public static List<Sample> Load(string path)
    {
        if (Directory.Exists(path))
        {
            var csvs = Directory.GetFiles(path, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            path = csvs.Count > 0 ? csvs[0] : throw new ArgumentException($"Folder '{path}' holds no .csv file.");
        }
        if (!File.Exists(path)) throw new ArgumentException($"Data file '{path}' does not exist.");
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new ArgumentException($"'{path}' is empty.");
        var header = lines[0].Split(',').Select(h => h.Trim()).ToList();
        var columns = FeatureNames.Append(LabelColumn).Select(name =>
        {
            var i = header.IndexOf(name);
            return i >= 0 ? i : throw new ArgumentException($"'{path}' has no column '{name}'; columns: {string.Join(", ", header)}.");
        }).ToArray();

        var samples = new List<Sample>();
        for (var n = 1; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n])) continue;
            var fields = lines[n].Split(',');
            if (fields.Length != header.Count) throw new ArgumentException($"'{path}' line {n + 1}: {fields.Length} fields, header has {header.Count}.");
            var x = new double[FeatureNames.Length];
            for (var j = 0; j < x.Length; j++)
                if (!double.TryParse(fields[columns[j]], NumberStyles.Float, CultureInfo.InvariantCulture, out x[j]))
                    throw new ArgumentException($"'{path}' line {n + 1}, column '{FeatureNames[j]}': '{fields[columns[j]]}' is not a number.");
            samples.Add(new Sample(x, fields[columns[^1]].Trim()));
        }
        return samples;
    }

    /// <summary>Holds out round(count × fraction) samples of every class, chosen by a seeded shuffle.</summary>
    public static (List<Sample> Train, List<Sample> Test) StratifiedSplit(IReadOnlyList<Sample> samples, double testFraction, int seed)
    {
        var rng = new Random(seed);
        var train = new List<Sample>();
        var test = new List<Sample>();
        foreach (var group in samples.GroupBy(s => s.Label).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            rng.Shuffle(items);
            var nTest = (int)Math.Round(items.Length * testFraction, MidpointRounding.AwayFromZero);
            test.AddRange(items.Take(nTest));
            train.AddRange(items.Skip(nTest));
        }
        return (train, test);
    }
}
