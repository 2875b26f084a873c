using System.Diagnostics;
using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace;

namespace MlPipelines.Runner.Tests;

/// <summary>The pipeline program host, exercised as a real process: pipelines/TextFeatures with its data in a temp folder.</summary>
public sealed class PipelineAppTests : IDisposable
{
    private static readonly string App = Path.Combine(AppContext.BaseDirectory, "TextFeatures.Pipeline.dll");
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-app-").FullName;

    public PipelineAppTests()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        File.WriteAllText(Path.Combine(_dir, "data", "raw.txt"), "abc\n");
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Compile_Check_CommittedDemoPlanIsUpToDate()
    {
        // Fails when TextFeaturesPipeline changes without re-running 'compile' (the committed plan is stale).
        var (code, output) = await RunAppAsync("compile", "--check");
        Assert.True(code == ExitCodes.Success, output);
        Assert.Contains("is up to date (5 steps)", output);
    }

    [Fact]
    public async Task Compile_Check_StalePlan_ExitsOneAndWriteFixesIt()
    {
        File.WriteAllText(Path.Combine(_dir, "text-features.plan.json"), "{}\n");
        var (stale, staleOutput) = await RunAppAsync("compile", "--check", "--output", _dir);
        var (written, _) = await RunAppAsync("compile", "--output", _dir);
        var (fresh, _) = await RunAppAsync("compile", "--check", "--output", _dir);

        Assert.Equal(ExitCodes.Failed, stale);
        Assert.Contains("is stale", staleOutput);
        Assert.Equal(ExitCodes.Success, written);
        Assert.Equal(ExitCodes.Success, fresh);
        Assert.Contains("\"schema\": \"mlp.plan/v2\"", File.ReadAllText(Path.Combine(_dir, "text-features.plan.json")));
    }

    [Fact]
    public async Task Run_TwiceInFreshFolder_CreatesWorkspaceThenReusesEverything()
    {
        var (first, firstOut) = await RunAppAsync("run");
        var (second, secondOut) = await RunAppAsync("run");

        Assert.True(first == ExitCodes.Success, firstOut);
        Assert.Contains("No workspace found; created one", firstOut);
        Assert.Contains("[report] hello", firstOut);
        Assert.True(second == ExitCodes.Success, secondOut);
        Assert.Contains("0 ran, 5 reused", secondOut);
    }

    [Fact]
    public async Task Run_InputFileChanged_RerunsOnlyTheStepsWhoseInputsChanged()
    {
        var (first, firstOut) = await RunAppAsync("run");
        Assert.True(first == ExitCodes.Success, firstOut);
        // 'ABC' upper-cases to the same 'clean' file as 'abc': prep reruns, everything after it is reused by content.
        File.WriteAllText(Path.Combine(_dir, "data", "raw.txt"), "ABC\n");
        var (plan, planOut) = await RunAppAsync("plan");
        var (second, secondOut) = await RunAppAsync("run");

        Assert.Equal(ExitCodes.Success, plan);
        Assert.Contains("input 'raw'", planOut);
        Assert.True(second == ExitCodes.Success, secondOut);
        Assert.Contains("1 ran, 4 reused", secondOut);
        foreach (var step in new[] { "featA", "featB", "train", "report" }) Assert.Contains($"[{step}] reused (from run ", secondOut);
    }

    [Fact]
    public async Task Run_StepFailsThenResumeAfterFix_RerunsOnlyWhatDidNotComplete()
    {
        var (failed, failedOut) = await RunAppAsync("run", "--param", "TrainSeconds=-1"); // 'sleep -1' fails
        Assert.True(failed == ExitCodes.Failed, failedOut);
        Assert.Contains("[report] skipped (upstream 'train' failed)", failedOut);
        string failedRun;
        using (var ws = LocalWorkspace.Open(_dir))
            failedRun = Assert.Single(ws.Runs.QueryRuns(new RunQuery()), r => r.Kind == "pipeline").Id;

        var (resumed, resumedOut) = await RunAppAsync("run", "--resume", failedRun);

        Assert.True(resumed == ExitCodes.Success, resumedOut);
        foreach (var step in new[] { "prep", "featA", "featB" }) Assert.Contains($"[{step}] reused (from run ", resumedOut);
        Assert.Contains("[report] hello", resumedOut);
    }

    [Fact]
    public async Task Help_ListsParametersWithTypesAndDefaults()
    {
        var (code, output) = await RunAppAsync("--help");
        Assert.Equal(0, code);
        Assert.Contains("TrainSeconds (double, default 0)  Seconds the training step sleeps", output);
        Assert.Contains("Greeting (string, default hello)", output);
    }

    [Fact]
    public async Task Run_InvalidParameter_ExitsTwoNamingIt()
    {
        var (code, output) = await RunAppAsync("run", "--param", "TrainSeconds=soon");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("Parameter 'TrainSeconds' has invalid value 'soon'", output);
    }

    [Fact]
    public async Task Run_SigTerm_CancelsCleanly()
    {
        var pidFile = Path.Combine(_dir, "train.pid");
        using var p = Start("run", "--param", "TrainSeconds=100");
        var output = Collect(p);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0))
        {
            if (DateTime.UtcNow >= deadline || p.HasExited)
                lock (output) Assert.Fail("train step did not start: " + output);
            await Task.Delay(50);
        }
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        lock (output) Assert.True(p.ExitCode == ExitCodes.Canceled, $"exit {p.ExitCode}: {output}");
        Assert.False(ProcessTree.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim())));
        using var ws = LocalWorkspace.Open(_dir);
        var pipelineRun = Assert.Single(ws.Runs.QueryRuns(new RunQuery()), r => r.Kind == "pipeline");
        Assert.Equal(RunStatus.Canceled, pipelineRun.Status);
        var children = ws.Runs.QueryRuns(new RunQuery { ParentRunId = pipelineRun.Id });
        Assert.Equal(RunStatus.Canceled, children.Single(c => c.Tags["mlp.step"] == "train").Status);
        Assert.DoesNotContain(children, c => c.Status is RunStatus.Running or RunStatus.Queued);
    }

    [Fact]
    public async Task Run_SigKill_LeavesNoProcessOfTheStepsAlive()
    {
        var pidFile = Path.Combine(_dir, "train.pid");
        using var p = Start("run", "--param", "TrainSeconds=100");
        var output = Collect(p);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(40);
        while (!(File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0))
        {
            Assert.True(DateTime.UtcNow < deadline && !p.HasExited, "train step did not start: " + output);
            await Task.Delay(50);
        }
        var background = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using (var kill = Process.Start("kill", ["-KILL", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // The step's `sleep 100 &` and its `sleep $TrainSeconds` were re-parented when the program died; they must not live on.
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (ProcessTree.IsAlive(background) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(ProcessTree.IsAlive(background), "a process of the train step survived the pipeline program");
    }

    private Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(App);
        foreach (var a in args) psi.ArgumentList.Add(a);
        // The demo's data lives in the test's temp folder, not next to the program.
        if (args.Length > 0 && args[0] is "run" or "plan") { psi.ArgumentList.Add("--base-dir"); psi.ArgumentList.Add("."); }
        psi.Environment["CI"] = "true";
        psi.Environment.Remove("MLP_WORKSPACE");
        return Process.Start(psi)!;
    }

    private static System.Text.StringBuilder Collect(Process p)
    {
        var sb = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { lock (sb) sb.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { lock (sb) sb.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return sb;
    }

    private async Task<(int Code, string Output)> RunAppAsync(params string[] args)
    {
        using var p = Start(args);
        var sb = Collect(p);
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        p.WaitForExit();
        lock (sb) return (p.ExitCode, sb.ToString());
    }
}
