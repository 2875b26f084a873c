using System.Text.Json;
using MlPipelines.Evaluation;

namespace MlPipelines.Examples.Tests;

public sealed class DiabetesTests
{
    private static readonly string TrainPy = Support.Pipelines("Diabetes", "train.py");

    private static Support.ProcessResult Train(TempDir dir, params string[] variant) =>
        Support.Run(SklearnPython.Path!, [TrainPy, .. variant, "--model", dir["model"], "--predictions", dir["predictions.csv"]]);

    /// <summary>Loads score.py as the Python worker would (AZUREML_MODEL_DIR, init, run) and prints run()'s result as JSON.</summary>
    private static Support.ProcessResult Score(string modelDir, string requestJson)
    {
        const string snippet = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            import score
            score.init()
            try:
                print(json.dumps(score.run(sys.argv[2])))
            except ValueError as e:
                print("ValueError: " + str(e))
            """;
        return Support.Run(SklearnPython.Path!, ["-c", snippet, Support.Pipelines("Diabetes"), requestJson],
            env: new Dictionary<string, string> { ["AZUREML_MODEL_DIR"] = modelDir });
    }

    [RequiresSklearnFact]
    public void TrainRidge_LogsParamsAndHeldOutMetrics_PredictionsAgree()
    {
        using var dir = new TempDir();
        var r = Train(dir, "--algorithm", "ridge", "--alpha", "1.0");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var p = Support.Params(r.Stdout);
        Assert.Equal("ridge", p["algorithm"]);
        Assert.Equal("1.0", p["alpha"]);
        var logged = Support.Metrics(r.Stdout).ToDictionary(m => m.Name, m => m.Value);
        Assert.InRange(logged["r2"], 0.3, 0.7);
        // The built-in evaluator on the written predictions reproduces the logged metrics.
        var evaluated = Evaluator.EvaluateFile(dir["predictions.csv"]);
        Assert.Equal(EvaluationTask.Regression, evaluated.Task);
        Assert.Equal(89, evaluated.Count);
        Assert.Equal(logged["rmse"], evaluated.Metrics["rmse"], 9);
        Assert.Equal(logged["mae"], evaluated.Metrics["mae"], 9);
        Assert.Equal(logged["r2"], evaluated.Metrics["r2"], 9);
        Assert.True(File.Exists(dir["model/model.joblib"]));
    }

    [RequiresSklearnFact]
    public void TrainGbr_LogsValidationCurveWithSteps()
    {
        using var dir = new TempDir();
        var r = Train(dir, "--algorithm", "gbr", "--n-estimators", "50");

        Assert.True(r.ExitCode == 0, r.Stderr);
        var curve = Support.Metrics(r.Stdout).Where(m => m.Name == "val_rmse").ToList();
        Assert.Equal([10L, 20, 30, 40, 50], curve.Select(c => c.Step!.Value));
        Assert.Equal("gbr", Support.Params(r.Stdout)["algorithm"]);
    }

    [RequiresSklearnFact]
    public void ScorePy_InitAndRun_ReturnsOnePredictionPerRow()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Train(dir, "--algorithm", "ridge").ExitCode);

        var request = """{"data": [[0.038, 0.05, 0.062, 0.022, -0.044, -0.035, -0.043, -0.003, 0.020, -0.018], [-0.002, -0.045, -0.051, -0.026, -0.008, -0.019, 0.074, -0.039, -0.068, -0.092]]}""";
        var r = Score(dir.Path, request);

        Assert.True(r.ExitCode == 0, r.Stderr);
        var predictions = JsonSerializer.Deserialize<double[]>(r.Stdout)!;
        Assert.Equal(2, predictions.Length);
        Assert.All(predictions, v => Assert.InRange(v, 25, 346)); // the target's range in the data set
        Assert.True(predictions[0] > predictions[1], "high-BMI sample should score higher");
    }

    [RequiresSklearnFact]
    public void ScorePy_WrongFeatureCount_RaisesValueErrorNamingFeatures()
    {
        using var dir = new TempDir();
        Assert.Equal(0, Train(dir, "--algorithm", "ridge").ExitCode);

        var r = Score(dir.Path, """{"data": [[1, 2, 3]]}""");

        Assert.Contains("ValueError: row 0 must be a list of 10 numbers (age, sex, bmi", r.Stdout);
    }

    [RequiresSklearnFact]
    public void TrainPy_NoModelFolder_FailsWithUsage()
    {
        var r = Support.Run(SklearnPython.Path!, [TrainPy], env: new Dictionary<string, string> { ["MLP_OUTPUT_DIR"] = "" });

        // An empty MLP_OUTPUT_DIR counts as unset: argparse exits 2 with the reason.
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--model DIR is required", r.Stderr);
    }
}
