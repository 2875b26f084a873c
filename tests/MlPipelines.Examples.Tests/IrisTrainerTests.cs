using MlPipelines.Evaluation;

namespace MlPipelines.Examples.Tests;

public sealed class IrisTrainerTests : IClassFixture<IrisTrainerTests.TrainedModel>
{
    /// <summary>Trains once (as a real process) for all tests of this class.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TempDir Dir { get; } = new();
        public Support.ProcessResult Result { get; }
        public string ModelDir => Dir["model"];
        public string Predictions => Dir["predictions.csv"];

        public TrainedModel() => Result = IrisTrainer.Train(Support.Pipelines("Iris", "data", "iris.csv"), ModelDir, Predictions);

        public void Dispose() => Dir.Dispose();
    }

    private readonly TrainedModel _trained;

    public IrisTrainerTests(TrainedModel trained) => _trained = trained;

    [Fact]
    public void IrisCsv_IsFishersData_150RowsFiftyPerSpecies()
    {
        var lines = File.ReadAllLines(Support.Pipelines("Iris", "data", "iris.csv"));

        Assert.Equal("sepal_length,sepal_width,petal_length,petal_width,species", lines[0]);
        Assert.Equal(150, lines.Length - 1);
        var counts = lines.Skip(1).GroupBy(l => l.Split(',')[4]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["setosa"] = 50, ["versicolor"] = 50, ["virginica"] = 50 }, counts);
        Assert.Equal("5.1,3.5,1.4,0.2,setosa", lines[1]);
        Assert.Equal("5.9,3.0,5.1,1.8,virginica", lines[150]);
        // Column sums of the canonical data set (means 5.843, 3.057, 3.758, 1.199).
        var sums = Enumerable.Range(0, 4).Select(j => lines.Skip(1).Sum(l => double.Parse(l.Split(',')[j], System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal([876.5, 458.6, 563.7, 179.9], sums.Select(s => Math.Round(s, 1)).ToArray());
    }

    [Fact]
    public void Train_HeldOutPredictions_AccuracyAtLeast90Percent()
    {
        Assert.Equal(0, _trained.Result.ExitCode);

        var result = Evaluator.EvaluateFile(_trained.Predictions);

        Assert.Equal(EvaluationTask.Classification, result.Task);
        Assert.Equal(45, result.Count);
        Assert.True(result.Metrics["accuracy"] >= 0.9, $"accuracy {result.Metrics["accuracy"]}");
        Assert.True(result.Metrics["roc_auc"] > 0.95, $"roc_auc {result.Metrics["roc_auc"]}");
        Assert.Equal([15, 15, 15], result.PerClass.Select(c => c.Support));
    }

    [Fact]
    public void Train_Stdout_LogsLossPerEpochDecreasingAndFinalMetrics()
    {
        var metrics = Support.Metrics(_trained.Result.Stdout);

        var loss = metrics.Where(m => m.Name == "loss").ToList();
        Assert.Equal(300, loss.Count);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => (long?)i), loss.Select(l => l.Step));
        Assert.True(loss[^1].Value < loss[0].Value / 3, $"loss {loss[0].Value} → {loss[^1].Value}");
        var testAccuracy = metrics.Single(m => m.Name == "test_accuracy");
        Assert.Null(testAccuracy.Step);
        Assert.Equal(Evaluator.EvaluateFile(_trained.Predictions).Metrics["accuracy"], testAccuracy.Value, 12);
        Assert.Equal("0.5", Support.Params(_trained.Result.Stdout)["learning_rate"]);
    }

    [Fact]
    public void Train_ModelFolder_HoldsModelAndSignature()
    {
        Assert.Equal(["model.json", "signature.json"], Directory.GetFiles(_trained.ModelDir).Select(Path.GetFileName).Order());
        Assert.Contains("\"sepal_length\"", File.ReadAllText(Path.Combine(_trained.ModelDir, "signature.json")));
        Assert.Contains("\"mlp.iris.softmax/v1\"", File.ReadAllText(Path.Combine(_trained.ModelDir, "model.json")));
    }

    [Fact]
    public void Train_SameSeedTwice_ByteIdenticalModel()
    {
        using var dir = new TempDir();
        var again = IrisTrainer.Train(Support.Pipelines("Iris", "data"), dir["m"], null, extra: ["--epochs", "300"]);

        Assert.Equal(0, again.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(_trained.ModelDir, "model.json")), File.ReadAllText(dir["m/model.json"]));
    }

    [Fact]
    public void Train_OutputDirFromEnvironment_WritesModelAndPredictionsThere()
    {
        using var dir = new TempDir();
        var r = Support.Run("dotnet", [IrisTrainer.Dll, "--data", Support.Pipelines("Iris", "data"), "--epochs", "5"], env: new Dictionary<string, string> { ["MLP_OUTPUT_DIR"] = dir.Path });

        Assert.Equal(0, r.ExitCode);
        Assert.True(File.Exists(dir["model/model.json"]));
        Assert.True(File.Exists(dir["predictions.csv"]));
    }

    [Theory]
    [InlineData("--epochs", "zero", "Option '--epochs' must be an integer")]
    [InlineData("--bogus", "1", "Unknown option '--bogus'")]
    public void Train_BadArgument_ExitCode2WithMessage(string option, string value, string expected)
    {
        using var dir = new TempDir();
        var r = Support.Run("dotnet", [IrisTrainer.Dll, "--data", Support.Pipelines("Iris", "data"), "--model", dir.Path, option, value]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }

    [Fact]
    public void Train_MissingDataFile_ExitCode1NamingIt()
    {
        using var dir = new TempDir();
        var r = Support.Run("dotnet", [IrisTrainer.Dll, "--data", dir["nope.csv"], "--model", dir["m"]]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("nope.csv' does not exist", r.Stderr);
    }
}

/// <summary>Runs the Iris trainer's built assembly with <c>dotnet</c>.</summary>
internal static class IrisTrainer
{
    public static string Dll { get; } = Path.Combine(AppContext.BaseDirectory, "Iris.Trainer.dll");

    public static Support.ProcessResult Train(string data, string modelDir, string? predictions, string[]? extra = null)
    {
        List<string> args = [Dll, "--data", data, "--model", modelDir];
        if (predictions is not null) args.AddRange(["--predictions", predictions]);
        if (extra is not null) args.AddRange(extra);
        return Support.Run("dotnet", args);
    }
}
