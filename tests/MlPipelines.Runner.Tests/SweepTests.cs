using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

namespace MlPipelines.Runner.Tests;

/// <summary>Sweeps through the pipeline program: trials as child runs, ranking, the best trial's outputs, early stopping, Slurm arrays.</summary>
public sealed class SweepTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-sweep-").FullName;

    public SweepTests() => LocalWorkspace.Init(_dir).Dispose();

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Run_GridOfEightOnLocal_TrialsAreChildRunsBestOutputsPromoted()
    {
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir);

        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("[use] model of x=3", output);
        var (sweep, trials) = SweepRuns();
        Assert.Equal(8, trials.Count);
        Assert.All(trials, t => Assert.Equal(RunStatus.Completed, t.Status));
        Assert.Equal(Enumerable.Range(0, 8).Select(i => i.ToString()), trials.OrderBy(t => int.Parse(t.Tags["mlp.sweep.trial"])).Select(t => t.Params["x"]));
        var best = trials.Single(t => t.Params["x"] == "3");
        Assert.Equal(best.Id, sweep.Tags["mlp.sweep.best_run"]);
        Assert.Equal("loss:minimize", sweep.Tags["mlp.sweep.objective"]);
        Assert.Equal("3", sweep.Params["best.x"]);
        using var ws = LocalWorkspace.Open(_dir);
        Assert.Equal(0.2, ws.Runs.GetMetrics(sweep.Id, "loss").Single().Value, 6);
        Assert.Equal(5, ws.Runs.GetMetrics(best.Id, "loss").Count);
        Assert.Contains(ws.Runs.GetOutputs(sweep.Id), o => o.Path == "model/weights.txt");
        var log = string.Join("\n", ws.Runs.GetLogs(sweep.Id).Select(l => l.Text));
        Assert.Contains("8 of 8 trials completed, 0 stopped early, 8 ranked by 'loss' (minimize):", log);
        Assert.Contains($"#1 {best.Id} loss=0.2 x=3", log);
    }

    [Fact]
    public async Task Run_MedianStopping_StopsTrialsWorseThanTheMedianAndPromotesTheBest()
    {
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--param", "Median=true");

        Assert.True(code == ExitCodes.Success, output);
        var (_, trials) = SweepRuns();
        var slow = trials.Single(t => t.Params["x"] == "7");
        Assert.Equal(RunStatus.Canceled, slow.Status);
        Assert.StartsWith("stopped early by median stopping: best loss", slow.StatusReason);
        // Trials worse than the median are stopped as they report; the best never is.
        Assert.Equal(RunStatus.Completed, trials.Single(t => t.Params["x"] == "3").Status);
        Assert.All(trials.Where(t => t.Status != RunStatus.Completed), t => Assert.StartsWith("stopped early by median stopping", t.StatusReason));
        Assert.Contains("[use] model of x=3", output);
    }

    [RequiresSlurmFact]
    public async Task Run_SweepOnSlurm_OneJobArrayOfEightTasksBestPromoted()
    {
        using (var ws = LocalWorkspace.Open(_dir))
            ws.Computes.Create(new ComputeTargetDefinition
            {
                Name = "hpc", Kind = "slurm", CreatedAt = DateTimeOffset.UtcNow,
                Options = new Dictionary<string, string> { ["staging"] = RequiresSlurmFactAttribute.SharedFolder, ["poll-seconds"] = "1" },
            });
        await AppAsync("compile");

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--param", "Compute=hpc");

        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("[use] model of x=3", output);
        var (sweep, trials) = SweepRuns();
        using var ws2 = LocalWorkspace.Open(_dir);
        var arrayIds = trials.Select(t => string.Join("\n", ws2.Runs.GetLogs(t.Id).Select(l => l.Text)))
            .Select(log => System.Text.RegularExpressions.Regex.Match(log, @"Slurm job (\d+)_(\d+) submitted to target 'hpc' \(task \2 of a 8-task array, 3 at once\)"))
            .Select(m => { Assert.True(m.Success); return m.Groups[1].Value; }).Distinct().ToList();
        Assert.Single(arrayIds);
        Assert.All(trials, t => Assert.Equal(RunStatus.Completed, t.Status));
        Assert.Equal(trials.Single(t => t.Params["x"] == "3").Id, sweep.Tags["mlp.sweep.best_run"]);
    }

    private (RunInfo Sweep, List<RunInfo> Trials) SweepRuns()
    {
        using var ws = LocalWorkspace.Open(_dir);
        var runs = ws.Runs.QueryRuns(new RunQuery { Max = 1000 });
        var sweep = runs.Single(r => r.DisplayName == "tune");
        return (sweep, runs.Where(r => r.ParentRunId == sweep.Id).ToList());
    }

    private async Task<(int Code, string Output)> AppAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await PipelineApp.RunAsync<SweepPipeline>(args, new PipelineAppOptions { Out = output, Error = output, PlanDirectory = _dir, SourceDirectory = _dir });
        return (code, output.ToString());
    }
}
