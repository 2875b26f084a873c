using System.Net;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Server.Tests;

/// <summary>The remote IWorkspace's runs, step cache and settings against a real HTTPS server.</summary>
public class RemoteWorkspaceRunTests
{
    [Fact]
    public async Task RemoteRuns_EveryRunOperation_RoundTripsThroughTheServer()
    {
        await using var server = await RunningServer.StartAsync();
        using var ws = await server.OpenRemoteAsync("team");
        Assert.Equal("remote:local", ws.Info.Kind);

        var parent = ws.Runs.CreateRun(new NewRun("churn", "pipeline", Kind: "pipeline") { Params = new Dictionary<string, string> { ["lr"] = "0.1" }, Status = RunStatus.Running });
        var run = ws.Runs.CreateRun(new NewRun("churn", "train", parent.Id, "step") { Status = RunStatus.Running });
        ws.Runs.LogParams(run.Id, new Dictionary<string, string> { ["epochs"] = "3" });
        ws.Runs.SetTags(run.Id, new Dictionary<string, string> { ["team"] = "risk" });
        var t0 = DateTimeOffset.UtcNow;
        ws.Runs.LogMetrics(run.Id, Enumerable.Range(0, 25_000).Select(i => new MetricPoint("loss", 1.0 / (i + 1), i, t0)).Append(new MetricPoint("nan", double.NaN, 0, t0)).ToList());
        ws.Runs.AppendLogs(run.Id, Enumerable.Range(0, 12_345).Select(i => new LogLine(i, LogStream.Stdout, t0, $"line {i}")).ToList());
        ws.Runs.AppendLogs(run.Id, [new LogLine(5, LogStream.Stdout, t0, "a retry of line 5")]);
        ws.Runs.AddTable(run.Id, new RunTable("confusion", "[{\"a\":1}]", t0));
        ws.Runs.SetProcess(run.Id, 4242, "laptop");
        ws.Runs.Heartbeat(run.Id);
        ws.Runs.SetStatus(run.Id, RunStatus.Completed);

        var read = ws.Runs.GetRun(run.Id);
        Assert.Equal(RunStatus.Completed, read.Status);
        Assert.Equal("3", read.Params["epochs"]);
        Assert.Equal("risk", read.Tags["team"]);
        Assert.Equal(1.0 / 25_000, read.LatestMetrics["loss"]);
        Assert.True(double.IsNaN(read.LatestMetrics["nan"]));
        Assert.Equal(25_000, ws.Runs.GetMetrics(run.Id, "loss").Count);
        var logs = ws.Runs.GetLogs(run.Id);
        Assert.Equal(12_345, logs.Count);
        Assert.Equal("line 5", logs[5].Text);
        Assert.Equal(100, ws.Runs.GetLogs(run.Id, afterSequence: 12_000, max: 100).Count);
        Assert.Equal("confusion", Assert.Single(ws.Runs.GetTables(run.Id)).Name);
        Assert.Equal((4242, "laptop"), ws.Runs.GetProcess(run.Id));
        Assert.Null(ws.Runs.GetProcess(parent.Id));
        Assert.Null(ws.Runs.FindRun("no-such-run"));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => ws.Runs.GetRun("no-such-run")).Kind);

        var children = ws.Runs.QueryRuns(new RunQuery { ParentRunId = parent.Id });
        Assert.Equal(run.Id, Assert.Single(children).Id);
        var found = ws.Runs.QueryRuns(new RunQuery { Experiment = "churn", Filter = "params.epochs = '3' or params.lr = '0.1'", OrderBy = "attributes.start_time desc" });
        Assert.Equal(2, found.Count);
        Assert.Equal(2, Assert.Single(ws.Runs.ListExperiments()).RunCount);
        var bad = Assert.Throws<MlpException>(() => ws.Runs.QueryRuns(new RunQuery { Filter = "metrics.loss <" }));
        Assert.Equal(ErrorKind.InvalidInput, bad.Kind);

        ws.Cache.Put(new CacheEntry("k1", "churn", "train", run.Id, new Dictionary<string, string> { ["code"] = "abc" }, t0));
        Assert.Equal(run.Id, ws.Cache.Find("k1")!.RunId);
        Assert.Equal("k1", ws.Cache.Latest("churn", "train")!.Key);
        Assert.Null(ws.Cache.Find("k2"));

        ws.SetSetting("image.dotnet.base", "mcr.microsoft.com/dotnet/aspnet:10.0");
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", ws.Settings["image.dotnet.base"]);
        var stats = ws.Stats();
        Assert.Equal(2, stats.Runs);
        Assert.Equal(25_001, stats.MetricPoints);
    }

    [Fact]
    public async Task RemoteOpen_WrongWorkspaceOrToken_FailsAtOnceNamingIt()
    {
        await using var server = await RunningServer.StartAsync();
        var missing = await Assert.ThrowsAsync<MlpException>(() => server.OpenRemoteAsync("ghost", create: false));
        Assert.Equal(ErrorKind.NotFound, missing.Kind);
        Assert.Contains("ghost", missing.Message);
        var address = new RemoteAddress(server.Host.Url, "ghost");
        var badToken = Assert.Throws<MlpException>(() => RemoteWorkspace.Open(address, server.Login("mlp_wrong")));
        Assert.Contains("mlp login", badToken.Message);
        var untrusted = Assert.Throws<MlpException>(() => RemoteWorkspace.Open(address, new ServerLogin(server.Host.Url, server.AdminToken, null)));
        Assert.Contains("--ca-cert", untrusted.Message);
    }

    [Fact]
    public async Task RemoteRuns_LifecycleTagsAndDescribedInputs_RoundTripThroughTheServer()
    {
        await using var server = await RunningServer.StartAsync();
        using var ws = await server.OpenRemoteAsync("team");
        ws.Runs.CreateExperiment("churn", new Dictionary<string, string> { ["owner"] = "ana" });
        var run = ws.Runs.CreateRun(new NewRun("churn", "train")).Id;
        ws.Runs.SetExperimentTags("churn", new Dictionary<string, string> { ["stage"] = "dev" });
        ws.Runs.DeleteExperimentTag("churn", "owner");
        ws.Runs.RenameExperiment("churn", "churn-v2");
        var experiment = Assert.Single(ws.Runs.ListExperiments());
        Assert.Equal(("churn-v2", "dev"), (experiment.Name, Assert.Single(experiment.Tags).Value));
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => ws.Runs.DeleteExperimentTag("churn-v2", "owner")).Kind);

        ws.Runs.RenameRun(run, "train-2");
        Assert.Equal(("train-2", "churn-v2"), (ws.Runs.GetRun(run).DisplayName, ws.Runs.GetRun(run).Experiment));
        ws.Runs.DeleteRun(run);
        Assert.NotNull(ws.Runs.GetRun(run).DeletedAt);
        Assert.Empty(ws.Runs.QueryRuns(new RunQuery()));
        Assert.Equal(run, Assert.Single(ws.Runs.QueryRuns(new RunQuery { Lifecycle = RunLifecycle.Deleted })).Id);
        ws.Runs.RestoreRun(run);
        ws.Runs.DeleteExperiment("churn-v2");
        Assert.NotNull(ws.Runs.ListExperiments()[0].DeletedAt);
        Assert.Equal(ErrorKind.InvalidInput, Assert.Throws<MlpException>(() => ws.Runs.RestoreRun(run)).Kind);
        ws.Runs.RestoreExperiment("churn-v2");
        Assert.Null(ws.Runs.GetRun(run).DeletedAt);

        ws.Runs.AddExternalDatasetInputs(run, [new ExternalDatasetInput("train", "abc", "local", "/d/train.csv") { Tags = new Dictionary<string, string> { ["mlflow.data.context"] = "training" } }]);
        var inputs = ws.Runs.GetExternalDatasetInputs([run, "run-nope"]);
        Assert.Equal("training", Assert.Single(inputs[run]).Tags["mlflow.data.context"]);
        Assert.Equal(ErrorKind.NotFound, Assert.Throws<MlpException>(() => ws.Runs.AddExternalDatasetInputs("run-nope", [])).Kind);
    }

    [Fact]
    public async Task RemoteConnection_ServerGone_RetriesThenGivesUpClearly()
    {
        var server = await RunningServer.StartAsync();
        var ws = await server.OpenRemoteAsync("team", options: new RemoteOptions { GiveUpAfter = TimeSpan.FromSeconds(2) });
        var url = server.Host.Url;
        await server.DisposeAsync();
        var started = DateTime.UtcNow;
        var e = Assert.Throws<MlpException>(() => ws.Runs.ListExperiments());
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains($"Gave up on the server at '{url}'", e.Message);
        Assert.Contains("attempt(s)", e.Message);
        // It gives up once the next (jittered) wait would pass the 2 s budget, so after anything from ~0.5 s to 2 s of retrying.
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 0.3, 10);
        ws.Dispose();
    }

    [Theory]
    [InlineData("https://h:1/workspaces/team", "https://h:1", "team")]
    [InlineData("https://h:1/workspaces/team/", "https://h:1", "team")]
    [InlineData("http://127.0.0.1:8080/Workspaces/a.b", "http://127.0.0.1:8080", "a.b")]
    public void RemoteAddress_Parse_ServerAndName(string url, string server, string name)
    {
        var a = RemoteAddress.Parse(url);
        Assert.Equal(server, a.ServerUrl);
        Assert.Equal(name, a.Workspace);
    }

    [Theory]
    [InlineData("https://h:1/")]
    [InlineData("https://h:1/workspaces")]
    [InlineData("https://h:1/workspaces/a/b")]
    [InlineData("ftp://h/workspaces/a")]
    public void RemoteAddress_NotAWorkspaceUrl_SaysTheExpectedForm(string url) =>
        Assert.Contains("https://HOST:PORT/workspaces/NAME", Assert.Throws<MlpException>(() => RemoteAddress.Parse(url)).Message);
}
