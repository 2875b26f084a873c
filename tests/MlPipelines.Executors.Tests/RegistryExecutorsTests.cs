using System.Text.Json;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Executors.Tests;

public sealed class RegistryExecutorsTests : IDisposable
{
    private readonly ExecutorFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task Run_GatePassesWithoutChampion_RegistersChallengerAndPromotesChampion()
    {
        var result = await _f.RunAsync(new GatedPipeline(_f.Predictions("p.csv", 9), 0.8));

        Assert.Equal(0, result.ExitCode);
        Assert.All(result.Steps, s => Assert.Equal(RunStatus.Completed, s.Status));
        var models = _f.Workspace.Models;
        var v = models.Get(ModelRef.Parse("iris@champion"));
        Assert.Equal(1, v.Version);
        Assert.Equal(["challenger", "champion"], v.Aliases.Order());
        Assert.Equal(["model.json", "signature.json"], v.Files.Select(f => f.Path).Order());
        Assert.Equal("{\"inputs\": []}\n", v.SignatureJson);
        // lineage: the training step's run, inside the pipeline run
        Assert.Equal(result["train"].RunId, v.Lineage.RunId);
        Assert.Equal(result.RunId, v.Lineage.PipelineRunId);
        Assert.Equal(result["evaluate"].RunId, v.Tags[ChampionResolver.EvaluationRunTag]);
        Assert.Equal("iris:1", _f.Run(result, "register").Tags["mlp.model"]);
        var champion = models.History("iris").Single(h => h.Alias == "champion");
        Assert.Equal((null, 1), (champion.FromVersion, champion.ToVersion));
        Assert.Contains("no current champion (iris@champion)", champion.Reason);
        Assert.Contains("accuracy 0.90 >= 0.80", champion.Reason);
        Assert.Equal(Environment.UserName, champion.Who);
    }

    [Fact]
    public async Task Evaluate_BuiltIn_LogsMetricsConfusionTableAndGateRecord()
    {
        var result = await _f.RunAsync(new GatedPipeline(_f.Predictions("p.csv", 9), 0.8));

        var run = _f.Run(result, "evaluate");
        Assert.Equal(0.9, run.LatestMetrics["accuracy"], 12);
        Assert.True(run.LatestMetrics.ContainsKey("roc_auc"));
        Assert.Equal("true", run.Tags[EvaluateExecutor.GatePassedTag]);
        Assert.Equal("true", run.Tags["mlp.outcome.passed"]);
        var tables = _f.Workspace.Runs.GetTables(run.Id).ToDictionary(t => t.Name);
        var confusion = JsonDocument.Parse(tables["confusion_matrix"].RowsJson).RootElement.EnumerateArray()
            .ToDictionary(r => (r.GetProperty("actual").GetString(), r.GetProperty("predicted").GetString()), r => r.GetProperty("count").GetInt32());
        Assert.Equal(5, confusion[("a", "a")]);
        Assert.Equal(1, confusion[("b", "a")]);
        Assert.Equal(4, confusion[("b", "b")]);
        var gate = JsonDocument.Parse(tables["gate"].RowsJson).RootElement;
        Assert.Equal(2, gate.GetArrayLength());
        Assert.Contains(_f.Workspace.Runs.GetOutputs(run.Id), o => o.Path == "metrics/metrics.json");
    }

    [Fact]
    public async Task Run_ThresholdNotMet_SkipsGatedStepsAndExitsZero()
    {
        var result = await _f.RunAsync(new GatedPipeline(_f.Predictions("p.csv", 5), 0.9));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(RunStatus.Completed, result["evaluate"].Status);
        Assert.Equal("gate: accuracy 0.50 < 0.90", result["evaluate"].Reason);
        Assert.Equal("gate: accuracy 0.50 < 0.90", _f.Run(result, "evaluate").StatusReason);
        Assert.Equal("accuracy 0.50 < 0.90", _f.Run(result, "evaluate").Tags[EvaluateExecutor.GateSummaryTag]);
        Assert.Equal(RunStatus.Skipped, result["register"].Status);
        Assert.Equal(RunStatus.Skipped, result["promote"].Status);
        Assert.Equal("gate: accuracy 0.50 < 0.90", result["register"].Reason);
        Assert.Empty(_f.Workspace.Models.List());
    }

    [Fact]
    public async Task Run_FailOnGateWithReusedFailedEvaluation_FailsPipelineAsWhenItRan()
    {
        var pipeline = new GatedPipeline(_f.Predictions("p.csv", 5), 0.9);
        var first = await _f.RunAsync(pipeline);
        Assert.Equal(0, first.ExitCode);

        var second = await _f.RunAsync(pipeline, failOnGate: true);

        Assert.Equal(1, second.ExitCode);
        Assert.Equal(RunStatus.Failed, second["evaluate"].Status);
        Assert.StartsWith("gate: accuracy 0.50 < 0.90", second["evaluate"].Reason);
        Assert.Contains($"reused from run {first["evaluate"].RunId}", second["evaluate"].Reason);
        Assert.Equal(RunStatus.Skipped, second["register"].Status);
        Assert.Equal(RunStatus.Failed, _f.Run(second, "evaluate").Status);
    }

    [Fact]
    public async Task Run_FailOnGate_FailsPipeline()
    {
        var result = await _f.RunAsync(new GatedPipeline(_f.Predictions("p.csv", 5), 0.9), failOnGate: true);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(RunStatus.Failed, result["evaluate"].Status);
        Assert.Equal("gate: accuracy 0.50 < 0.90", result["evaluate"].Reason);
    }

    [Fact]
    public async Task Run_BetterModelSecond_PromotesAndHistoryExplainsWhy()
    {
        var first = await _f.RunAsync(new GatedPipeline(_f.Predictions("p1.csv", 8), 0.5));
        var second = await _f.RunAsync(new GatedPipeline(_f.Predictions("p2.csv", 10), 0.5));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(RunStatus.Completed, second["promote"].Status);
        Assert.Equal("iris@champion: 1 → 2", second["promote"].Reason);
        var moves = _f.Workspace.Models.History("iris").Where(h => h.Alias == "champion").ToList();
        Assert.Equal([(null, 1), (1, 2)], moves.Select(m => (m.FromVersion, m.ToVersion)));
        Assert.Contains("accuracy 1.00 > champion 0.80 (iris:1) + 0.00", moves[1].Reason);
        Assert.Contains($"run {second.RunId}", moves[1].Reason);
        var challenger = _f.Workspace.Models.History("iris").Where(h => h.Alias == "challenger").Select(h => h.ToVersion);
        Assert.Equal([1, 2], challenger);
    }

    [Fact]
    public async Task Run_WorseThanChampion_KeepsChampionAndSaysWhy()
    {
        await _f.RunAsync(new GatedPipeline(_f.Predictions("p1.csv", 10), 0.5));
        var second = await _f.RunAsync(new GatedPipeline(_f.Predictions("p2.csv", 8), 0.5));

        Assert.Equal(0, second.ExitCode);
        Assert.Equal("gate: accuracy 0.80 <= champion 1.00 (iris:1) + 0.00", second["evaluate"].Reason);
        Assert.Equal(RunStatus.Skipped, second["register"].Status);
        Assert.Equal(RunStatus.Skipped, second["promote"].Status);
        Assert.Equal(1, _f.Workspace.Models.Get(ModelRef.Parse("iris@champion")).Version);
    }

    [Fact]
    public async Task Evaluate_CommandEvaluator_GatesOnLoggedMetrics()
    {
        var data = Path.Combine(_f.Dir, "d.txt");
        File.WriteAllText(data, "x");

        var passed = await _f.RunAsync(new CommandEvaluationPipeline(data, 0.97));
        var failed = await _f.RunAsync(new CommandEvaluationPipeline(data, 0.42));

        Assert.Equal(RunStatus.Completed, passed["register"].Status);
        Assert.Equal(0.97, _f.Run(passed, "evaluate").LatestMetrics["accuracy"], 12);
        Assert.Equal("gate: accuracy 0.42 < 0.90", failed["evaluate"].Reason);
        Assert.Equal(RunStatus.Skipped, failed["register"].Status);
        var metricsJson = _f.Workspace.Runs.GetOutputs(failed["evaluate"].RunId!).Single(o => o.Path == "metrics/metrics.json");
        using var reader = new StreamReader(_f.Workspace.Artifacts.OpenRead(metricsJson.Hash));
        var doc = JsonDocument.Parse(reader.ReadToEnd()).RootElement;
        Assert.False(doc.GetProperty("gate").GetProperty("passed").GetBoolean());
        Assert.Equal(3, doc.GetProperty("metrics").GetProperty("rmse").GetDouble());
    }

    [Fact]
    public async Task Evaluate_NonNumericScore_FailsStepWithLineAndColumn()
    {
        var path = _f.Predictions("bad.csv", 10);
        var lines = File.ReadAllLines(path);
        lines[3] = "b,b,abc,0.5";
        File.WriteAllLines(path, lines);

        var result = await _f.RunAsync(new GatedPipeline(path, 0.5));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(RunStatus.Failed, result["evaluate"].Status);
        Assert.Equal("predictions.csv line 4, column 'score_a': 'abc' is not a number.", result["evaluate"].Reason);
        Assert.Equal(RunStatus.Skipped, result["register"].Status);
    }
}
