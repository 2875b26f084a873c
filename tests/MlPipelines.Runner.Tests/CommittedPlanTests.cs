using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;
using TextFeaturesExample;

namespace MlPipelines.Runner.Tests;

/// <summary><c>run</c> executes the committed plan and refuses a stale one (pipelines/TextFeatures, in process, plan in a temp folder).</summary>
public sealed class CommittedPlanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-plan-").FullName;

    public CommittedPlanTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        File.WriteAllText(Path.Combine(_dir, "data", "raw.txt"), "abc\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string PlanPath => Path.Combine(_dir, "text-features.plan.json");

    [Fact]
    public async Task Run_CommittedPlanStale_ExitsTwoNamingTheStepsAndTheFix()
    {
        await CompileAsync();
        File.WriteAllText(PlanPath, File.ReadAllText(PlanPath).Replace("wc -c", "wc -l", StringComparison.Ordinal));

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("is stale: step 'featA' differs", output);
        Assert.Contains("-- compile' and commit the plan", output);
        Assert.Contains("--allow-stale-plan", output);
        Assert.False(Directory.Exists(Path.Combine(_dir, ".mlp")), "a refused run must not create a workspace");
    }

    [Fact]
    public async Task Run_NoCommittedPlan_ExitsTwoSayingToCompile()
    {
        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("There is no committed plan at", output);
        Assert.Contains("-- compile", output);
    }

    [Fact]
    public async Task Run_AllowStalePlan_RunsTheDefinitionAndTagsTheRun()
    {
        await CompileAsync();
        File.WriteAllText(PlanPath, File.ReadAllText(PlanPath).Replace("wc -c", "wc -l", StringComparison.Ordinal));
        LocalWorkspace.Init(_dir).Dispose();

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir, "--allow-stale-plan");

        Assert.True(code == ExitCodes.Success, output);
        var run = PipelineRun();
        Assert.Equal("stale-allowed", run.Tags["mlp.plan"]);
        Assert.Equal("step 'featA' differs", run.Tags["mlp.plan.stale"]);
    }

    [Fact]
    public async Task Run_CommittedPlanCurrent_RecordsThePlanFileItRan()
    {
        await CompileAsync();
        LocalWorkspace.Init(_dir).Dispose();

        var (code, output) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir, "--param", "Greeting=hi");

        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("[report] hi", output);
        var run = PipelineRun();
        Assert.Equal("committed", run.Tags["mlp.plan"]);
        Assert.Equal(ContentHash.OfText(File.ReadAllText(PlanPath)), run.Tags["mlp.plan.hash"]);
        Assert.Equal("hi", run.Params["Greeting"]);
    }

    [Fact]
    public async Task CompileCheck_StalePlan_NamesTheStepsThatDiffer()
    {
        await CompileAsync();
        File.WriteAllText(PlanPath, File.ReadAllText(PlanPath).Replace("rev <", "tac <", StringComparison.Ordinal));

        var (code, output) = await AppAsync("compile", "--check");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("is stale: step 'featB' differs", output);
    }

    [Fact]
    public async Task Plan_AfterARunWithChangedData_LeavesTheWorkspaceUntouched()
    {
        await CompileAsync();
        LocalWorkspace.Init(_dir).Dispose();
        var (ran, runOutput) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir);
        Assert.True(ran == ExitCodes.Success, runOutput);
        // New content: the old 'plan' registered it as a dataset version and remembered its hash in the index.
        File.WriteAllText(Path.Combine(_dir, "data", "raw.txt"), "abcd\n");
        var before = Snapshot();

        var (code, output) = await AppAsync("plan", "--base-dir", _dir, "--workspace", _dir);

        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("input 'raw' content hash changed", output);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Plan_StrayIgnoredFileAndBuildOutput_DoNotInvalidateSteps()
    {
        await CompileAsync();
        LocalWorkspace.Init(_dir).Dispose();
        File.WriteAllText(Path.Combine(_dir, ".gitignore"), "*.log\ntrain.pid\n"); // the train step writes train.pid next to the sources
        var (ran, runOutput) = await AppAsync("run", "--base-dir", _dir, "--workspace", _dir);
        Assert.True(ran == ExitCodes.Success, runOutput);

        File.WriteAllText(Path.Combine(_dir, "stray.log"), "noise");
        Directory.CreateDirectory(Path.Combine(_dir, "obj"));
        File.WriteAllText(Path.Combine(_dir, "obj", "project.assets.json"), "{}");
        var (ignored, ignoredOutput) = await AppAsync("plan", "--base-dir", _dir, "--workspace", _dir);
        File.WriteAllText(Path.Combine(_dir, "notes.txt"), "a real source change");
        var (changed, changedOutput) = await AppAsync("plan", "--base-dir", _dir, "--workspace", _dir);

        Assert.True(ignored == ExitCodes.Success, ignoredOutput);
        Assert.DoesNotContain("run    (", ignoredOutput);
        Assert.True(changed == ExitCodes.Success, changedOutput);
        Assert.Contains("code snapshot changed", changedOutput);
    }

    [Fact]
    public async Task Run_NoWorkspaceOption_FindsTheWorkspaceFromTheProjectFolderNotTheCurrentOne()
    {
        await CompileAsync();
        Directory.CreateDirectory(Path.Combine(_dir, "pipeline"));
        LocalWorkspace.Init(_dir).Dispose();
        Assert.NotEqual(_dir, Environment.CurrentDirectory);

        // The plan (project) folder is a sub-folder: the workspace above it is found, wherever the process was started.
        var output = new StringWriter();
        File.Copy(PlanPath, Path.Combine(_dir, "pipeline", "text-features.plan.json"));
        var code = await PipelineApp.RunAsync<TextFeaturesPipeline>(["run", "--base-dir", _dir],
            new PipelineAppOptions { Out = output, Error = output, PlanDirectory = Path.Combine(_dir, "pipeline") });

        Assert.True(code == ExitCodes.Success, output.ToString());
        Assert.DoesNotContain("No workspace found", output.ToString());
        Assert.Equal("committed", PipelineRun().Tags["mlp.plan"]);
    }

    [Fact]
    public async Task Plan_NoWorkspace_CreatesNone()
    {
        await CompileAsync();

        var (code, output) = await AppAsync("plan", "--base-dir", _dir);

        Assert.True(code == ExitCodes.Success, output);
        Assert.False(Directory.Exists(Path.Combine(_dir, ".mlp")));
    }

    /// <summary>Bytes of the database, its row counts as seen through the store, and the listing of every workspace file.</summary>
    private string Snapshot()
    {
        var mlp = Path.Combine(_dir, ".mlp");
        var files = Directory.EnumerateFiles(mlp, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("-shm", StringComparison.Ordinal) && !(f.EndsWith("-wal", StringComparison.Ordinal) && new FileInfo(f).Length == 0))
            .Select(f => $"{Path.GetRelativePath(mlp, f)} {new FileInfo(f).Length} {ContentHash.OfFile(f)}")
            .Order(StringComparer.Ordinal);
        using var ws = LocalWorkspace.Open(_dir);
        var counts = $"runs={ws.Runs.QueryRuns(new RunQuery { Max = 10_000 }).Count} datasets={ws.Datasets.List().Count}";
        return counts + "\n" + string.Join("\n", files);
    }

    private RunInfo PipelineRun()
    {
        using var ws = LocalWorkspace.Open(_dir);
        return Assert.Single(ws.Runs.QueryRuns(new RunQuery()), r => r.Kind == "pipeline");
    }

    private async Task CompileAsync()
    {
        var (code, output) = await AppAsync("compile");
        Assert.True(code == ExitCodes.Success, output);
    }

    private async Task<(int Code, string Output)> AppAsync(params string[] args)
    {
        var output = new StringWriter();
        var code = await PipelineApp.RunAsync<TextFeaturesPipeline>(args, new PipelineAppOptions { Out = output, Error = output, PlanDirectory = _dir });
        return (code, output.ToString());
    }
}
