using MlPipelines.Compute;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Runner.Tests;

public sealed class PipelineRunnerTests : IDisposable
{
    private readonly RunnerFixture _f = new();

    public void Dispose() => _f.Dispose();

    private FeaturePipeline Features()
    {
        _f.File("raw.txt", "abc\n");
        _f.File("other.txt", "xyz\n");
        return new FeaturePipeline(_f.Dir);
    }

    [Fact]
    public async Task RunAsync_SixStepPipeline_CompletesRecordsChildRunsAndRunsBranchesInParallel()
    {
        var result = await _f.RunAsync(Features());

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.All(result.Steps, s => Assert.Equal(RunStatus.Completed, s.Status));
        Assert.All(result.Steps, s => Assert.Null(s.ReusedFrom));

        var parent = _f.Workspace.Runs.GetRun(result.RunId);
        Assert.Equal("pipeline", parent.Kind);
        Assert.Equal(RunStatus.Completed, parent.Status);
        var children = _f.Children(result.RunId);
        Assert.Equal(["featA", "featB", "prep", "report", "train"], children.Where(c => c.Tags["mlp.kind"] != "code").Select(c => c.Tags["mlp.step"]).Append("report").Distinct().Order());
        Assert.All(children, c => Assert.Equal("step", c.Kind));

        var a = _f.Workspace.Runs.GetRun(result["featA"].RunId!);
        var b = _f.Workspace.Runs.GetRun(result["featB"].RunId!);
        Assert.True(a.StartedAt < b.EndedAt && b.StartedAt < a.EndedAt, $"featA {a.StartedAt:O}–{a.EndedAt:O} and featB {b.StartedAt:O}–{b.EndedAt:O} did not overlap");

        var prepRun = result["prep"].RunId!;
        Assert.Contains(_f.Workspace.Runs.GetLogs(prepRun), l => l.Text == "prep-done" && l.Stream == LogStream.Stdout);
        Assert.Equal(3, Assert.Single(_f.Workspace.Runs.GetMetrics(prepRun, "rows")).Value);
        var report = _f.Workspace.Runs.GetOutputs(result["report"].RunId!);
        Assert.Equal("report.txt", Assert.Single(report).Path);
        using var content = new StreamReader(_f.Workspace.Artifacts.OpenRead(report[0].Hash));
        Assert.Equal("4\nABC\nxyz\n", content.ReadToEnd());
    }

    [Fact]
    public async Task RunAsync_SecondRun_IsFullyReusedWithOriginalOutputs()
    {
        var pipeline = Features();
        var first = await _f.RunAsync(pipeline);
        var second = await _f.RunAsync(Features());

        Assert.Equal(RunStatus.Completed, second.Status);
        foreach (var s in second.Steps)
        {
            Assert.Equal(first[s.Name].RunId, s.ReusedFrom);
            var run = _f.Workspace.Runs.GetRun(s.RunId!);
            Assert.Equal(RunStatus.Completed, run.Status);
            Assert.Equal(first[s.Name].RunId, run.ReusedFrom);
            Assert.Equal(_f.Workspace.Runs.GetOutputs(first[s.Name].RunId!), _f.Workspace.Runs.GetOutputs(s.RunId!));
        }
    }

    [Fact]
    public async Task RunAsync_CachedRunDeleted_StepRunsAgainInsteadOfReusingIt()
    {
        var first = await _f.RunAsync(Features());
        _f.Workspace.Runs.DeleteRun(first["prep"].RunId!);
        var second = await _f.RunAsync(Features());

        Assert.Equal(RunStatus.Completed, second.Status);
        Assert.Null(second["prep"].ReusedFrom);
        Assert.NotEqual(first["prep"].RunId, second["prep"].RunId);
        var third = await _f.RunAsync(Features());
        Assert.Equal(second["prep"].RunId, third["prep"].ReusedFrom); // the new run is what the cache offers now
    }

    [Fact]
    public async Task RunAsync_OneInputChanged_RerunsOnlyAffectedSteps()
    {
        await _f.RunAsync(Features());
        _f.File("other.txt", "changed\n");
        var explanation = PlanExplainer.Explain(Compile(new FeaturePipeline(_f.Dir)), Options());
        var result = await _f.RunAsync(new FeaturePipeline(_f.Dir));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.NotNull(result["prep"].ReusedFrom);
        Assert.NotNull(result["featA"].ReusedFrom);
        Assert.Null(result["featB"].ReusedFrom);
        Assert.Null(result["train"].ReusedFrom);
        Assert.Null(result["report"].ReusedFrom);

        var featB = explanation.Single(e => e.Step == "featB");
        Assert.Equal(StepDecision.Run, featB.Decision);
        Assert.Contains(featB.Changes, c => c.StartsWith("input 'other' content hash changed", StringComparison.Ordinal));
        Assert.Equal(StepDecision.Reuse, explanation.Single(e => e.Step == "prep").Decision);
        Assert.Equal(StepDecision.Run, explanation.Single(e => e.Step == "train").Decision);
    }

    [Fact]
    public async Task RunAsync_FailingStep_SkipsDependantsFinishesIndependentBranch_ThenResumeRerunsOnlyTheRest()
    {
        _f.File("fail", "x");
        var failed = await _f.RunAsync(new FlakyPipeline(_f.Dir));

        Assert.Equal(RunStatus.Failed, failed.Status);
        Assert.Equal(ExitCodes.Failed, failed.ExitCode);
        Assert.Equal(RunStatus.Completed, failed["first"].Status);
        Assert.Equal(RunStatus.Failed, failed["flaky"].Status);
        Assert.Equal("exit code 3", failed["flaky"].Reason);
        Assert.Equal(RunStatus.Skipped, failed["after"].Status);
        Assert.Equal("upstream 'flaky' failed", failed["after"].Reason);
        Assert.Equal("upstream 'flaky' failed", failed["after2"].Reason);
        Assert.Equal(RunStatus.Completed, failed["solo"].Status);
        Assert.Equal(RunStatus.Skipped, _f.Workspace.Runs.GetRun(failed["after"].RunId!).Status);
        Assert.Contains(_f.Workspace.Runs.GetLogs(failed["flaky"].RunId!), l => l.Text == "broken" && l.Stream == LogStream.Stderr);

        File.Delete(_f.File("fail"));
        var resumed = await _f.RunAsync(new FlakyPipeline(_f.Dir), o => o with { ResumeRunId = failed.RunId, Force = true });

        Assert.Equal(RunStatus.Completed, resumed.Status);
        Assert.Equal(failed["first"].RunId, resumed["first"].ReusedFrom);
        Assert.Equal(failed["solo"].RunId, resumed["solo"].ReusedFrom);
        Assert.Null(resumed["flaky"].ReusedFrom);
        Assert.Null(resumed["after"].ReusedFrom);
        Assert.Equal("resumed", resumed["first"].Reason);
    }

    [Fact]
    public async Task RunAsync_Canceled_KillsProcessTreeAndMarksRunsCanceled()
    {
        var pidFile = _f.File("bg.pid");
        using var cts = new CancellationTokenSource();
        var run = _f.RunAsync(new SleepPipeline(pidFile, null), ct: cts.Token);
        await WaitForAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Trim().Length > 0);
        cts.Cancel();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Canceled, result.Status);
        Assert.Equal(ExitCodes.Canceled, result.ExitCode);
        Assert.Equal(RunStatus.Canceled, result["sleepy"].Status);
        Assert.Equal(RunStatus.Canceled, result["next"].Status);
        Assert.Null(result["next"].RunId);
        Assert.Equal(RunStatus.Canceled, _f.Workspace.Runs.GetRun(result.RunId).Status);
        Assert.Equal(RunStatus.Canceled, _f.Workspace.Runs.GetRun(result["sleepy"].RunId!).Status);
        Assert.DoesNotContain(_f.Children(result.RunId), r => r.Status == RunStatus.Running);
        Assert.False(ProcessTree.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim())));
        Assert.NotNull(_f.Workspace.Runs.GetProcess(result["sleepy"].RunId!));
    }

    [Fact]
    public async Task RunAsync_Timeout_FailsStepAndKillsTree()
    {
        var pidFile = _f.File("bg.pid");
        var result = await _f.RunAsync(new SleepPipeline(pidFile, TimeSpan.FromMilliseconds(800)));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(RunStatus.Failed, result["sleepy"].Status);
        Assert.StartsWith("timed out after", result["sleepy"].Reason);
        Assert.Equal("upstream 'sleepy' failed", result["next"].Reason);
        Assert.False(ProcessTree.IsAlive(int.Parse(File.ReadAllText(pidFile).Trim())));
    }

    [Fact]
    public async Task RunAsync_StepFailsTwiceThenSucceeds_RetriesWithBackoff()
    {
        var counter = _f.File("count");
        var result = await _f.RunAsync(new RetryPipeline(counter));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(3, result["retry"].Attempts);
        var logs = _f.Workspace.Runs.GetLogs(result["retry"].RunId!);
        Assert.Equal(2, logs.Count(l => l.Stream == LogStream.System && l.Text.Contains("retrying", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_MlpOutputLinesInAStep_AreKeptAsInRunSubmit()
    {
        var result = await _f.RunAsync(new NamedOutputPipeline());

        Assert.Equal(RunStatus.Completed, result.Status);
        var run = _f.Workspace.Runs.GetRun(result["report"].RunId!);
        Assert.Equal("report.txt", run.Tags["mlp.output.report"]);
        Assert.Equal("plots", run.Tags["mlp.output.plots"]);
        var outputs = _f.Workspace.Runs.GetOutputs(run.Id).Select(o => o.Path).ToList();
        Assert.Contains("report.txt", outputs);
        Assert.Contains("plots/roc.svg", outputs);
        Assert.Equal("roc", Assert.Single(_f.Workspace.Runs.GetImages(run.Id)).Name);
    }

    [Fact]
    public async Task RunAsync_StepFailsWithInvalidInput_IsNotRetried()
    {
        var result = await _f.RunAsync(new InvalidInputRetryPipeline());

        Assert.Equal(RunStatus.Failed, result["broken"].Status);
        Assert.Equal(1, result["broken"].Attempts);
        Assert.Contains("cannot start", result["broken"].Reason);
    }

    [Fact]
    public async Task RunAsync_FalseConditions_SkipWithReason()
    {
        var result = await _f.RunAsync(new GatePipeline(), o => o with { Executors = [new FixedEvaluateExecutor(0.5), new ReferenceExecutor(), new ImageReferenceExecutor()] });

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(RunStatus.Completed, result["evaluate"].Status);
        Assert.Equal(RunStatus.Skipped, result["register"].Status);
        Assert.Equal("condition 'evaluate.passed' is false", result["register"].Reason);
        Assert.Equal("upstream 'register' was skipped", result["image"].Reason);
        Assert.Equal("condition 'params.Notify == true' is false", result["notify"].Reason);
        Assert.Equal("condition 'evaluate.passed' is false", _f.Workspace.Runs.GetRun(result["register"].RunId!).StatusReason);

        // A reused evaluation keeps its outcome, so the gate stays closed on a cached rerun.
        var cached = await _f.RunAsync(new GatePipeline(), o => o with { Executors = [new FixedEvaluateExecutor(1.0), new ReferenceExecutor(), new ImageReferenceExecutor()] });
        Assert.NotNull(cached["evaluate"].ReusedFrom);
        Assert.Equal(RunStatus.Skipped, cached["register"].Status);

        var passing = await _f.RunAsync(new GatePipeline(), o => o with { Force = true, Executors = [new FixedEvaluateExecutor(1.0), new ReferenceExecutor(), new ImageReferenceExecutor()] }, default, "Notify=true");
        Assert.All(passing.Steps, s => Assert.Equal(RunStatus.Completed, s.Status));
    }

    [Fact]
    public async Task RunAsync_KindWithoutExecutor_IsRejectedBeforeAnyRun()
    {
        var e = await Assert.ThrowsAsync<MlpException>(() => _f.RunAsync(new GatePipeline()));
        Assert.Equal(ErrorKind.InvalidInput, e.Kind);
        Assert.Contains(e.Details, d => d.StartsWith("Step 'evaluate' has kind 'evaluate', which this host cannot execute", StringComparison.Ordinal));
        Assert.Empty(_f.Workspace.Runs.QueryRuns(new RunQuery()));
    }

    private Pipelines.Compiler.CompiledPipeline Compile(Pipelines.Pipeline p) => Pipelines.Compiler.PipelineCompiler.Compile(p);

    private PipelineRunOptions Options() => new() { Workspace = _f.Workspace, BaseDirectory = _f.Dir, SourceHash = "src-1" };

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}
