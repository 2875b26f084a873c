using MlPipelines.Core.Runs;

namespace MlPipelines.Tracking.Tests;

public class MlpRunTests
{
    [Fact]
    public void StartIn_LogsParamsMetricsAndOutputs_RunCompletedWithEverything()
    {
        using var tmp = new TempWorkspace();
        string id;
        using (var run = MlpRun.StartIn(tmp.Workspace, "exp", "train"))
        {
            id = run.Id;
            run.LogParam("lr", 0.1);
            run.SetTag("team", "a");
            run.LogMetric("loss", 1.5);
            run.LogMetric("loss", 0.5);
            run.LogMetric("acc", double.NaN, step: 7);
            File.WriteAllText(Path.Combine(run.OutputDirectory, "model.txt"), "w");
            run.LogTable("confusion", new[] { new { actual = "a", predicted = "b", count = 2 } });
        }
        var info = tmp.Workspace.Runs.GetRun(id);
        Assert.Equal(RunStatus.Completed, info.Status);
        Assert.Equal("0.1", info.Params["lr"]);
        Assert.Equal("a", info.Tags["team"]);
        var loss = tmp.Workspace.Runs.GetMetrics(id, "loss");
        Assert.Equal([0L, 1L], loss.Select(p => p.Step));
        Assert.Equal(0.5, info.LatestMetrics["loss"]);
        Assert.True(double.IsNaN(tmp.Workspace.Runs.GetMetrics(id, "acc").Single().Value));
        Assert.Equal("model.txt", tmp.Workspace.Runs.GetOutputs(id).Single().Path);
        Assert.Contains("\"count\":2", tmp.Workspace.Runs.GetTables(id).Single().RowsJson);
    }

    [Fact]
    public void LogMetric_HundredThousandPoints_AllDurableAfterFlush()
    {
        using var tmp = new TempWorkspace();
        using var run = MlpRun.StartIn(tmp.Workspace, "exp");
        for (var i = 0; i < 100_000; i++) run.LogMetric("x", i);
        run.Flush();
        var points = tmp.Workspace.Runs.GetMetrics(run.Id, "x");
        Assert.Equal(100_000, points.Count);
        Assert.Equal(99_999, points[^1].Value);
    }

    [Fact]
    public void LogMetric_InvalidName_ThrowsQuotingName()
    {
        using var tmp = new TempWorkspace();
        using var run = MlpRun.StartIn(tmp.Workspace, "exp");
        var e = Assert.Throws<Core.Errors.MlpException>(() => run.LogMetric("bad|name", 1));
        Assert.Contains("'bad|name'", e.Message);
    }

    [Fact]
    public async Task StartIn_OpenRun_HeartbeatsAtOnceAndThenPeriodically()
    {
        using var tmp = new TempWorkspace();
        using var run = MlpRun.StartIn(tmp.Workspace, "exp", options: new TrackingOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(100) });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        DateTimeOffset? first;
        while ((first = tmp.Workspace.Runs.GetRun(run.Id).HeartbeatAt) is null && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.NotNull(first);
        DateTimeOffset? later;
        while ((later = tmp.Workspace.Runs.GetRun(run.Id).HeartbeatAt) <= first && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(later > first, "the client stopped heartbeating");
        Assert.Equal(RunStatus.Running, tmp.Workspace.Runs.GetRun(run.Id).Status);
    }

    [Fact]
    public void TrackingOptions_Default_HeartbeatsOftenEnoughToNeverReadLostWhileAlive()
    {
        Assert.True(new TrackingOptions().HeartbeatInterval * 3 < RunHeartbeat.LostAfter);
        Assert.True(RunHeartbeat.LostAfter <= TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void Fail_SetsFailedWithReason()
    {
        using var tmp = new TempWorkspace();
        using var run = MlpRun.StartIn(tmp.Workspace, "exp");
        run.Fail("diverged");
        var info = tmp.Workspace.Runs.GetRun(run.Id);
        Assert.Equal(RunStatus.Failed, info.Status);
        Assert.Equal("diverged", info.StatusReason);
    }
}

public class MlpRunAttachTests
{
    [Fact]
    public void Start_InsideARun_AttachesToItAndLeavesItsStatusToItsOwner()
    {
        using var tmp = new TempWorkspace();
        var owner = tmp.Workspace.Runs.CreateRun(new NewRun("exp", "submitted") { Status = RunStatus.Running });
        Environment.SetEnvironmentVariable("MLP_RUN_ID", owner.Id);
        Environment.SetEnvironmentVariable("MLP_WORKSPACE", tmp.Workspace.Info.Location);
        try
        {
            using (var run = MlpRun.Start(experiment: "other"))
            {
                Assert.Equal(owner.Id, run.Id);
                run.LogMetric("acc", 0.5);
            }
            var after = tmp.Workspace.Runs.GetRun(owner.Id);
            Assert.Equal(RunStatus.Running, after.Status);
            Assert.Equal(0.5, after.LatestMetrics["acc"]);
            Assert.Single(tmp.Workspace.Runs.QueryRuns(new RunQuery()));
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLP_RUN_ID", null);
            Environment.SetEnvironmentVariable("MLP_WORKSPACE", null);
        }
    }
}
