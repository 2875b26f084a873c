using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Tests;

public abstract class RunStoreTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;

    /// <summary>The workspace under test.</summary>
    protected IWorkspace Workspace => _ws;

    protected RunStoreTests(WorkspaceBackend backend)
    {
        _backend = backend;
        _ws = backend.Open();
    }

    public void Dispose()
    {
        _ws.Dispose();
        _backend.Dispose();
        _dir.Dispose();
    }

    [WorkspaceFact]
    public void CreateRun_NewExperiment_CreatesExperimentOnFirstUse()
    {
        var run = _ws.Runs.CreateRun(new NewRun("iris", "first") { Params = new Dictionary<string, string> { ["lr"] = "0.1" } });
        Assert.StartsWith("run-", run.Id);
        Assert.Equal("first", run.DisplayName);
        Assert.Equal(RunStatus.Queued, run.Status);
        Assert.Equal("0.1", run.Params["lr"]);
        var exp = Assert.Single(_ws.Runs.ListExperiments());
        Assert.Equal(("iris", 1), (exp.Name, exp.RunCount));
    }

    [WorkspaceFact]
    public void CreateRun_InvalidExperimentName_QuotesIt()
    {
        var e = Assert.Throws<MlpException>(() => _ws.Runs.CreateRun(new NewRun("my exp")));
        Assert.Contains("'my exp'", e.Message);
    }

    [WorkspaceFact]
    public void CreateRun_ManyRuns_IdsAreUnique()
    {
        var ids = Enumerable.Range(0, 300).Select(_ => _ws.Runs.CreateRun(new NewRun("e")).Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [WorkspaceFact]
    public void SetStatus_RunningThenCompleted_SetsTimesAndDuration()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        _ws.Runs.SetStatus(id, RunStatus.Running);
        var running = _ws.Runs.GetRun(id);
        Assert.NotNull(running.StartedAt);
        Assert.NotNull(running.HeartbeatAt);
        _ws.Runs.SetStatus(id, RunStatus.Completed, "exit code 0");
        var done = _ws.Runs.GetRun(id);
        Assert.Equal(RunStatus.Completed, done.Status);
        Assert.Equal("exit code 0", done.StatusReason);
        Assert.NotNull(done.EndedAt);
        Assert.True(done.Duration >= TimeSpan.Zero);
    }

    [WorkspaceFact]
    public void SetStatus_LeavingTerminal_IsConflict()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e") { Status = RunStatus.Running }).Id;
        _ws.Runs.SetStatus(id, RunStatus.Failed, "exit code 3");
        var e = Assert.Throws<MlpException>(() => _ws.Runs.SetStatus(id, RunStatus.Running));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        _ws.Runs.SetStatus(id, RunStatus.Failed); // same terminal status again is harmless
    }

    [WorkspaceFact]
    public void GetRun_StaleHeartbeat_ReadsAsFailedLost()
    {
        using var ws = _backend.Open(new LocalWorkspaceOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(300) });
        var id = ws.Runs.CreateRun(new NewRun("e") { Status = RunStatus.Running }).Id;
        Assert.Equal(RunStatus.Running, ws.Runs.GetRun(id).Status);
        Thread.Sleep(700);
        var lost = ws.Runs.GetRun(id);
        Assert.Equal(RunStatus.Failed, lost.Status);
        Assert.Equal("lost", lost.StatusReason);
        ws.Runs.Heartbeat(id);
        Assert.Equal(RunStatus.Running, ws.Runs.GetRun(id).Status);
    }

    [WorkspaceFact]
    public void GetRun_Unknown_ThrowsNotFound()
    {
        var e = Assert.Throws<MlpException>(() => _ws.Runs.GetRun("run-nope"));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("'run-nope'", e.Message);
    }

    [WorkspaceFact]
    public void LogParams_SameValueAgain_OkDifferentValue_Conflict()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        _ws.Runs.LogParams(id, new Dictionary<string, string> { ["lr"] = "0.1" });
        _ws.Runs.LogParams(id, new Dictionary<string, string> { ["lr"] = "0.1" });
        var e = Assert.Throws<MlpException>(() => _ws.Runs.LogParams(id, new Dictionary<string, string> { ["lr"] = "0.2" }));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.Contains("'lr'", e.Message);
    }

    [WorkspaceFact]
    public void SetTags_Twice_Overwrites()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        _ws.Runs.SetTags(id, new Dictionary<string, string> { ["team"] = "a" });
        _ws.Runs.SetTags(id, new Dictionary<string, string> { ["team"] = "b" });
        Assert.Equal("b", _ws.Runs.GetRun(id).Tags["team"]);
    }

    [WorkspaceFact]
    public void DeleteTag_Existing_GoneAndOthersKept_MissingIsNotFoundNamingTheTags()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        _ws.Runs.SetTags(id, new Dictionary<string, string> { ["team"] = "a", ["stage"] = "dev" });
        _ws.Runs.DeleteTag(id, "team");
        Assert.Equal(["stage"], _ws.Runs.GetRun(id).Tags.Keys);
        var e = Assert.Throws<MlpException>(() => _ws.Runs.DeleteTag(id, "team"));
        Assert.Equal(ErrorKind.NotFound, e.Kind);
        Assert.Contains("'stage'", e.Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Runs.DeleteTag("no-such-run", "team")).Kind);
    }

    [WorkspaceFact]
    public void LogMetrics_NaNAndInfinities_RoundTrip()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var t = DateTimeOffset.UtcNow;
        _ws.Runs.LogMetrics(id, [new("loss", double.NaN, 0, t), new("loss", double.PositiveInfinity, 1, t), new("loss", double.NegativeInfinity, 2, t), new("loss", -0.5, 3, t)]);
        var values = _ws.Runs.GetMetrics(id, "loss").Select(p => p.Value).ToList();
        Assert.True(double.IsNaN(values[0]));
        Assert.Equal(double.PositiveInfinity, values[1]);
        Assert.Equal(double.NegativeInfinity, values[2]);
        Assert.Equal(-0.5, values[3]);
        _ws.Runs.LogMetrics(id, [new("acc", double.NaN, 0, t)]);
        Assert.True(double.IsNaN(_ws.Runs.GetRun(id).LatestMetrics["acc"]));
    }

    [WorkspaceFact]
    public void LogMetrics_ArbitraryDoubles_RoundTripBitExact()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var rnd = new Random(1);
        var values = Enumerable.Range(0, 2000).Select(_ => BitConverter.Int64BitsToDouble(rnd.NextInt64())).Where(double.IsFinite)
            .Concat([0.1, 0.93, 1e-300, double.Epsilon, double.MaxValue, double.MinValue, -0.0, 123456789.123456789]).ToList();
        var t = DateTimeOffset.UtcNow;
        _ws.Runs.LogMetrics(id, values.Select((v, i) => new MetricPoint("x", v, i, t)).ToList());
        Assert.Equal(values, _ws.Runs.GetMetrics(id, "x").Select(p => p.Value));
    }

    [WorkspaceFact]
    public void LogMetrics_History_KeptAndLatestIsHighestStep()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var t = DateTimeOffset.UtcNow;
        _ws.Runs.LogMetrics(id, [new("acc", 0.5, 0, t), new("acc", 0.9, 2, t)]);
        _ws.Runs.LogMetrics(id, [new("acc", 0.7, 1, t)]); // a late point of an earlier step does not become latest
        Assert.Equal([0.5, 0.7, 0.9], _ws.Runs.GetMetrics(id, "acc").Select(p => p.Value));
        Assert.Equal(0.9, _ws.Runs.GetRun(id).LatestMetrics["acc"]);
    }

    [WorkspaceFact]
    public void LogMetrics_InvalidName_Rejected()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var e = Assert.Throws<MlpException>(() => _ws.Runs.LogMetrics(id, [new("bad|name", 1, 0, DateTimeOffset.UtcNow)]));
        Assert.Contains("'bad|name'", e.Message);
    }

    [WorkspaceFact]
    public void Logs_AppendAndRead_InSequenceOrder()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var t = DateTimeOffset.UtcNow;
        _ws.Runs.AppendLogs(id, [new(0, LogStream.Stdout, t, "a"), new(1, LogStream.Stderr, t, "b")]);
        _ws.Runs.AppendLogs(id, [new(2, LogStream.System, t, "c")]);
        Assert.Equal(["a", "b", "c"], _ws.Runs.GetLogs(id).Select(l => l.Text));
        Assert.Equal(["c"], _ws.Runs.GetLogs(id, afterSequence: 1).Select(l => l.Text));
        Assert.Equal(LogStream.Stderr, _ws.Runs.GetLogs(id)[1].Stream);
    }

    [WorkspaceFact]
    public void Logs_BatchNotAMultipleOfTheRowsPerStatement_EveryLineOnceWithItsFields()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var t = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        var lines = Enumerable.Range(0, 19).Select(i => new LogLine(i, (LogStream)(i % 3), t.AddMilliseconds(i), $"line {i}")).ToList();
        _ws.Runs.AppendLogs(id, lines);
        _ws.Runs.AppendLogs(id, lines.Take(10).ToList()); // already there: ignored
        Assert.Equal(lines, _ws.Runs.GetLogs(id));
    }

    [WorkspaceFact]
    public void DeleteOutputs_FileFolderOrAll_RemovesOnlyThoseAndCountsThem()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var blob = _ws.Artifacts.PutStream(new MemoryStream([1, 2, 3]));
        foreach (var p in new[] { "model/a.bin", "model/sub/b.bin", "model_x/c.bin", "modelz.txt", "notes.txt" })
            _ws.Runs.AddOutput(id, new RunOutput(p, blob.Hash, blob.Size));
        Assert.Equal(1, _ws.Runs.DeleteOutputs(id, "notes.txt"));
        Assert.Equal(2, _ws.Runs.DeleteOutputs(id, "model")); // the folder, not 'model_x/…' nor 'modelz.txt'
        Assert.Equal(["model_x/c.bin", "modelz.txt"], _ws.Runs.GetOutputs(id).Select(o => o.Path));
        Assert.Equal(0, _ws.Runs.DeleteOutputs(id, "model"));
        Assert.Equal(2, _ws.Runs.DeleteOutputs(id, null));
        Assert.Empty(_ws.Runs.GetOutputs(id));
        Assert.True(_ws.Artifacts.Exists(blob.Hash)); // blobs are content-addressed and may be shared: they stay
        Assert.Contains("'..'", Assert.Throws<MlpException>(() => _ws.Runs.DeleteOutputs(id, "../x")).Message);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => _ws.Runs.DeleteOutputs("no-such-run", null)).Kind);
    }

    [WorkspaceFact]
    public void Outputs_DotDotOrAbsolutePath_Rejected()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        Assert.Contains("'..'", Assert.Throws<MlpException>(() => _ws.Runs.AddOutput(id, new("../x", "h", 1))).Message);
        Assert.Contains("absolute", Assert.Throws<MlpException>(() => _ws.Runs.AddOutput(id, new("/etc/passwd", "h", 1))).Message);
        _ws.Runs.AddOutput(id, new("model\\m.json", "h", 1));
        Assert.Equal("model/m.json", Assert.Single(_ws.Runs.GetOutputs(id)).Path);
    }

    [WorkspaceFact]
    public void TablesImagesDatasetsProcess_RoundTrip()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var t = DateTimeOffset.UtcNow;
        _ws.Runs.AddTable(id, new("confusion", "[[1,2],[3,4]]", t));
        Assert.Throws<MlpException>(() => _ws.Runs.AddTable(id, new("bad", "{not json", t)));
        _ws.Runs.AddImage(id, new("roc", "plots/roc.png", new string('a', 64), "image/png", t));
        _ws.Runs.AddDatasetInput(id, "iris", 3);
        _ws.Runs.SetProcess(id, 1234, "host1");
        _ws.Runs.SetSnapshot(id, "abc");
        Assert.Equal("[[1,2],[3,4]]", Assert.Single(_ws.Runs.GetTables(id)).RowsJson);
        Assert.Equal("plots/roc.png", Assert.Single(_ws.Runs.GetImages(id)).Path);
        Assert.Equal(("iris", 3), Assert.Single(_ws.Runs.GetDatasetInputs(id)));
        Assert.Equal((1234, "host1"), _ws.Runs.GetProcess(id));
        Assert.Equal("abc", _ws.Runs.GetRun(id).SnapshotHash);
    }

    [WorkspaceFact]
    public void QueryRuns_ByExperimentAndParent_NewestFirst()
    {
        var parent = _ws.Runs.CreateRun(new NewRun("p", Kind: "pipeline")).Id;
        var c1 = _ws.Runs.CreateRun(new NewRun("p", ParentRunId: parent)).Id;
        var c2 = _ws.Runs.CreateRun(new NewRun("p", ParentRunId: parent)).Id;
        _ws.Runs.CreateRun(new NewRun("other"));
        Assert.Equal(3, _ws.Runs.QueryRuns(new RunQuery { Experiment = "p" }).Count);
        Assert.Equal([c2, c1], _ws.Runs.QueryRuns(new RunQuery { ParentRunId = parent }).Select(r => r.Id));
    }

    [WorkspaceFact]
    public void CreateExperiment_NewName_ListedWithStableIdAndNoRuns()
    {
        var created = _ws.Runs.CreateExperiment("empty");
        Assert.Equal(("empty", 0), (created.Name, created.RunCount));
        Assert.True(created.Id > 0);
        _ws.Runs.CreateRun(new NewRun("other"));
        var listed = _ws.Runs.ListExperiments();
        Assert.Equal(created.Id, listed.Single(e => e.Name == "empty").Id);
        Assert.NotEqual(created.Id, listed.Single(e => e.Name == "other").Id);
        Assert.Equal(created.Id, _ws.Runs.ListExperiments().Single(e => e.Name == "empty").Id);
    }

    [WorkspaceFact]
    public void CreateExperiment_ExistingName_ThrowsConflictQuotingIt()
    {
        _ws.Runs.CreateRun(new NewRun("taken"));
        var e = Assert.Throws<MlpException>(() => _ws.Runs.CreateExperiment("taken"));
        Assert.Equal(ErrorKind.Conflict, e.Kind);
        Assert.Contains("'taken'", e.Message);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => _ws.Runs.CreateExperiment("a b")).Kind);
    }

    [WorkspaceFact]
    public void GetRun_UnwatchedKindWithoutHeartbeat_StaysRunning()
    {
        using var ws = _backend.Open(new LocalWorkspaceOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(100) });
        var id = ws.Runs.CreateRun(new NewRun("e", Kind: RunHeartbeat.UnwatchedKind) { Status = RunStatus.Running }).Id;
        Thread.Sleep(300);
        Assert.Equal(RunStatus.Running, ws.Runs.GetRun(id).Status);
        Assert.Equal([id], ws.Runs.QueryRuns(new RunQuery { Filter = "attributes.status = 'Running'" }).Select(r => r.Id));
    }

    [WorkspaceFact]
    public void GetRun_LatestPoints_CarryStepAndTime()
    {
        var id = _ws.Runs.CreateRun(new NewRun("e")).Id;
        var at = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);
        _ws.Runs.LogMetrics(id, [new("loss", 0.5, 1, at), new("loss", 0.25, 7, at.AddSeconds(1)), new("loss", 0.9, 3, at.AddSeconds(2))]);
        var latest = _ws.Runs.GetRun(id).LatestPoints["loss"];
        Assert.Equal((0.25, 7L, at.AddSeconds(1)), (latest.Value, latest.Step, latest.Timestamp));
    }
}
