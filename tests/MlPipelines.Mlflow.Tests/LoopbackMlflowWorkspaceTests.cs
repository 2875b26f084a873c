using System.Diagnostics;
using MlPipelines.Core.Runs;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace;
using Xunit.Abstractions;

namespace MlPipelines.Mlflow.Tests;

/// <summary>What the runner gives step processes of an embedded workspace: the loopback MLflow host, started once, and the MLFLOW_* variables.</summary>
public sealed class LoopbackMlflowWorkspaceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlp-loopback-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task ProcessEnvironment_StartsTheHostOnce_EachRunGetsItsOwnScopedToken()
    {
        using var ws = new LoopbackMlflowWorkspace(LocalWorkspace.Init(_dir));
        Assert.Null(ws.Host); // nothing listens before a process needs it
        var a = ws.Runs.CreateRun(new NewRun("exp-a", "a") { Status = RunStatus.Running }).Id;
        var b = ws.Runs.CreateRun(new NewRun("exp-b", "b") { Status = RunStatus.Running }).Id;

        var clock = Stopwatch.StartNew();
        var envA = ws.ProcessEnvironment(a);
        var first = clock.Elapsed;
        clock.Restart();
        var envB = ws.ProcessEnvironment(b);
        output.WriteLine($"first ProcessEnvironment (starts the host): {first.TotalMilliseconds:0} ms; next: {clock.Elapsed.TotalMilliseconds:0.0} ms");

        Assert.Equal(ws.Info.Location, envA["MLP_WORKSPACE"]);
        Assert.Equal((a, "exp-a", ws.Host!.Url, ws.Host.CaCertPath), (envA["MLFLOW_RUN_ID"], envA["MLFLOW_EXPERIMENT_NAME"], envA["MLFLOW_TRACKING_URI"], envA["MLFLOW_TRACKING_SERVER_CERT_PATH"]));
        Assert.Equal((b, "exp-b", envA["MLFLOW_TRACKING_URI"]), (envB["MLFLOW_RUN_ID"], envB["MLFLOW_EXPERIMENT_NAME"], envB["MLFLOW_TRACKING_URI"]));
        Assert.NotEqual(envA["MLFLOW_TRACKING_TOKEN"], envB["MLFLOW_TRACKING_TOKEN"]);
        Assert.StartsWith("https://127.0.0.1:", envA["MLFLOW_TRACKING_URI"]);

        var ml = new MlflowClient(new EmbeddedMlflowServer(), "loopback", envA["MLFLOW_TRACKING_TOKEN"]) { TrackingUri = envA["MLFLOW_TRACKING_URI"], CaCert = envA["MLFLOW_TRACKING_SERVER_CERT_PATH"] };
        (await ml.Post("runs/log-metric", new { run_id = a, key = "loss", value = 0.5, timestamp = 1 })).Ok();
        Assert.Contains($"'{a}'", (await ml.Post("runs/log-metric", new { run_id = b, key = "loss", value = 0.5, timestamp = 1 })).Error(403, "PERMISSION_DENIED"));
        Assert.Single(ws.Runs.GetMetrics(a, "loss"));
    }
}
