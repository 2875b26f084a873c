using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Tests.Backends;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Tests;

public abstract class RunQueryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly WorkspaceBackend _backend;
    private readonly IWorkspace _ws;
    private readonly Dictionary<string, string> _ids = new();

    protected RunQueryTests(WorkspaceBackend backend)
    {
        _backend = backend;
        _ws = backend.Open();
        Add("a", 0.91, "0.1", "red", RunStatus.Completed);
        Add("b", 0.85, "0.01", "blue", RunStatus.Completed);
        Add("c", 0.97, "0.1", "Red", RunStatus.Failed);
        Add("d", null, "0.5", "green", RunStatus.Running);
        Add("e", double.NaN, "1", "red", RunStatus.Completed);
        _ws.Runs.CreateRun(new NewRun("other", "z"));
    }

    public void Dispose()
    {
        _ws.Dispose();
        _backend.Dispose();
        _dir.Dispose();
    }

    private void Add(string name, double? acc, string lr, string colour, RunStatus status)
    {
        var id = _ws.Runs.CreateRun(new NewRun("exp", name)
        {
            Params = new Dictionary<string, string> { ["lr"] = lr },
            Tags = new Dictionary<string, string> { ["colour"] = colour },
            Status = RunStatus.Running,
        }).Id;
        if (acc is { } a) _ws.Runs.LogMetrics(id, [new("accuracy", a, 0, DateTimeOffset.UtcNow)]);
        if (status != RunStatus.Running) _ws.Runs.SetStatus(id, status);
        _ids[name] = id;
        Thread.Sleep(3); // distinct creation times
    }

    private List<string> Names(string? filter, string? orderBy = null, int max = 1000) =>
        _ws.Runs.QueryRuns(new RunQuery { Experiment = "exp", Filter = filter, OrderBy = orderBy, Max = max }).Select(r => r.DisplayName).ToList();

    [WorkspaceFact]
    public void Filter_MetricGreaterThan_MatchesLatestValue() =>
        Assert.Equal(["a", "c"], Names("metrics.accuracy > 0.9", "attributes.name"));

    [WorkspaceFact]
    public void Filter_OrAndParentheses_Combine() =>
        Assert.Equal(["a", "b", "d"], Names("(metrics.accuracy < 0.95 or params.lr = '0.5') and attributes.status != 'failed'", "attributes.name"));

    [WorkspaceFact]
    public void Filter_ParamNumberLiteral_ComparesNumerically() =>
        Assert.Equal(["d", "e"], Names("params.lr >= 0.5", "attributes.name"));

    [WorkspaceFact]
    public void Filter_Like_IsCaseSensitive_ILikeIsNot()
    {
        Assert.Equal(["a", "e"], Names("tags.colour LIKE 'r%'", "attributes.name"));
        Assert.Equal(["a", "c", "e"], Names("tags.colour ILIKE 'r%'", "attributes.name"));
        Assert.Equal(["b"], Names("attributes.name LIKE '_'  and tags.colour like '%lu%'"));
    }

    [WorkspaceFact]
    public void Filter_StatusAndRunId_Match()
    {
        Assert.Equal(["c"], Names("attributes.status = 'Failed'"));
        Assert.Equal(["d"], Names("attributes.status = 'running'"));
        Assert.Equal(["b"], Names($"attributes.run_id = '{_ids["b"]}'"));
    }

    [WorkspaceFact]
    public void Filter_NaNMetric_MatchesNoComparison()
    {
        Assert.DoesNotContain("e", Names("metrics.accuracy > -1000"));
        Assert.DoesNotContain("e", Names("metrics.accuracy != 0.5"));
    }

    [WorkspaceFact]
    public void OrderBy_MetricDesc_MissingAndNaNLast()
    {
        var names = Names(null, "metrics.accuracy desc");
        Assert.Equal(["c", "a", "b"], names.Take(3));
        Assert.Equal(["d", "e"], names.Skip(3).Order());
    }

    [WorkspaceFact]
    public void OrderBy_MetricAsc_WithMax_StopsEarly()
    {
        Assert.Equal(["b", "a"], Names(null, "metrics.accuracy asc", max: 2));
        Assert.Equal(["b", "a", "c", "e"], Names(null, "metrics.accuracy asc, attributes.name desc", max: 4));
    }

    [WorkspaceFact]
    public void OrderBy_StartTime_NewestLast() =>
        Assert.Equal(["a", "b", "c", "d", "e"], Names(null, "attributes.start_time asc"));

    [WorkspaceFact]
    public void Default_Order_NewestFirstWithinExperiment() =>
        Assert.Equal(["e", "d", "c", "b", "a"], Names(null));

    [WorkspaceFact]
    public void Filter_LostRun_ReadsAsFailed()
    {
        using var ws = _backend.Open(new LocalWorkspaceOptions { HeartbeatTimeout = TimeSpan.FromMilliseconds(100) });
        Thread.Sleep(250);
        var failed = ws.Runs.QueryRuns(new RunQuery { Experiment = "exp", Filter = "attributes.status = 'Failed'", OrderBy = "attributes.name" });
        Assert.Equal(["c", "d"], failed.Select(r => r.DisplayName));
        Assert.Equal("lost", failed[1].StatusReason);
    }

    [WorkspaceFact]
    public void Filter_Duration_InSeconds() =>
        Assert.Equal(5, Names("attributes.duration >= 0").Count);

    [WorkspaceFact]
    public void Filter_Invalid_ThrowsWithCaret()
    {
        var e = Assert.Throws<MlpException>(() => Names("metrics.accuracy >> 1"));
        Assert.Contains("column 19", e.Message);
        Assert.Contains("^", e.Message);
    }

    [WorkspaceFact]
    public void Keys_WithSlashAndSpace_StoredAndFoundWithQuotedNames()
    {
        var id = _ids["a"];
        _ws.Runs.LogMetrics(id, [new MetricPoint("train/loss", 0.2, 0, DateTimeOffset.UtcNow)]);
        _ws.Runs.LogParams(id, new Dictionary<string, string> { ["optimizer lr"] = "0.1" });
        Assert.Equal(["a"], Names("metrics.`train/loss` < 0.5 and params.`optimizer lr` = '0.1'"));
        Assert.Equal(0.2, _ws.Runs.GetMetrics(id, "train/loss").Single().Value);
        _ws.Runs.SetTags(id, new Dictionary<string, string> { ["stage/x"] = "1", ["stage/y"] = "2" });
        _ws.Runs.DeleteTag(id, "stage/x");
        Assert.Equal(["stage/y"], _ws.Runs.GetRun(id).Tags.Keys.Where(k => k.StartsWith("stage/", StringComparison.Ordinal)));
        Assert.Contains("'//'", Assert.Throws<MlpException>(() => _ws.Runs.LogParams(id, new Dictionary<string, string> { ["a//b"] = "1" })).Message);
    }
}
