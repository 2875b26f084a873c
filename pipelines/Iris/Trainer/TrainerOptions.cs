using System.Globalization;

namespace Iris.Trainer;

/// <summary>Command-line options of the trainer.</summary>
internal sealed record TrainerOptions
{
    public const string Usage = """
        Usage: Iris.Trainer --data PATH [--model DIR] [--predictions PATH] [--epochs N] [--learning-rate X] [--l2 X] [--test-fraction X] [--seed N]
          --data           iris CSV file, or a folder holding one (columns sepal_length,sepal_width,petal_length,petal_width,species)
          --model          folder for model.json and signature.json (default: $MLP_OUTPUT_DIR/model)
          --predictions    CSV of the held-out split: label,prediction,score_<class>… (default: $MLP_OUTPUT_DIR/predictions.csv)
          --epochs         gradient-descent epochs (default 300)
          --learning-rate  step size (default 0.5)
          --l2             L2 penalty on the weights (default 0.001)
          --test-fraction  share of each class held out (default 0.3)
          --seed           seed of the stratified split (default 42)
        """;

    public required string Data { get; init; }
    public required string ModelDir { get; init; }
    public string? PredictionsPath { get; init; }
    public int Epochs { get; init; } = 300;
    public double LearningRate { get; init; } = 0.5;
    public double L2 { get; init; } = 0.001;
    public double TestFraction { get; init; } = 0.3;
    public int Seed { get; init; } = 42;

    /// <summary>Parses arguments; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static TrainerOptions Parse(string[] args, Func<string, string?> env)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["--data", "--model", "--predictions", "--epochs", "--learning-rate", "--l2", "--test-fraction", "--seed"];
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string? value = null;
            var eq = name.IndexOf('=');
            if (name.StartsWith("--") && eq > 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (!known.Contains(name)) throw new ArgumentException($"Unknown option '{name}'; expected one of {string.Join(", ", known)}.");
            if (value is null)
            {
                if (i + 1 >= args.Length) throw new ArgumentException($"Option '{name}' needs a value.");
                value = args[++i];
            }
            values[name] = value;
        }

        var outputDir = env("MLP_OUTPUT_DIR");
        var data = values.GetValueOrDefault("--data") ?? throw new ArgumentException("Missing --data PATH (the iris CSV file or a folder holding it).");
        var model = values.GetValueOrDefault("--model")
            ?? (outputDir is not null ? Path.Combine(outputDir, "model") : throw new ArgumentException("Missing --model DIR (and $MLP_OUTPUT_DIR is not set)."));
        var predictions = values.GetValueOrDefault("--predictions") ?? (outputDir is not null ? Path.Combine(outputDir, "predictions.csv") : null);

        var o = new TrainerOptions { Data = data, ModelDir = model, PredictionsPath = predictions };
        return o with
        {
            Epochs = Int(values, "--epochs", o.Epochs, min: 1),
            Seed = Int(values, "--seed", o.Seed, min: 0),
            LearningRate = Double(values, "--learning-rate", o.LearningRate, v => v > 0),
            L2 = Double(values, "--l2", o.L2, v => v >= 0),
            TestFraction = Double(values, "--test-fraction", o.TestFraction, v => v > 0 && v < 1),
        };
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback, int min)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v : throw new ArgumentException($"Option '{name}' must be an integer ≥ {min}, got '{text}'.");
    }

    private static double Double(Dictionary<string, string> values, string name, double fallback, Func<double, bool> valid)
    {
        if (!values.TryGetValue(name, out var text)) return fallback;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && valid(v)
            ? v : throw new ArgumentException($"Option '{name}' has an invalid value '{text}'.");
    }
}
