using MlPipelines.Endpoints.Daemon;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Examples.Tests;

/// <summary>The example pipelines as users run them: their program, a real workspace, real endpoints.</summary>
public class ExamplePipelineTests
{
    /// <summary>The built pipeline program (same configuration as these tests).</summary>
    private static string Program(string pipeline, string assembly)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Support.Pipelines(pipeline, "bin", tfm.Parent!.Name, tfm.Name, assembly + ".dll");
    }

    [Theory]
    [InlineData("Iris", "Iris.Pipeline")]
    [InlineData("Diabetes", "Diabetes.Pipeline")]
    public void CommittedPlan_MatchesDefinition(string pipeline, string assembly)
    {
        var r = Support.Run("dotnet", [Program(pipeline, assembly), "compile", "--check"]);
        Assert.True(r.ExitCode == 0, $"the committed plan of pipelines/{pipeline} is stale; run 'dotnet run --project pipelines/{pipeline} -- compile':\n{r.Stdout}{r.Stderr}");
    }

    [Fact]
    public void Iris_RunTwice_PredictsThroughEndpointThenReusesEverythingItCan()
    {
        using var tmp = new TempDir();
        using (LocalWorkspace.Init(tmp.Path)) { }
        try
        {
            var first = RunPipeline("Iris", "Iris.Pipeline", tmp.Path);
            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains("[invoke] Prediction from deployment 'blue': {\"predictions\":[\"virginica\"]", first.Stdout);
            Assert.Contains("[promote] iris@champion: (none) → 1", first.Stdout);

            StopEndpoints(tmp.Path); // the second run must bring the stopped endpoint back
            var second = RunPipeline("Iris", "Iris.Pipeline", tmp.Path);
            Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
            foreach (var step in new[] { "profile", "train", "package", "evaluate", "register", "image" })
                Assert.Contains($"[{step}] reused (from run ", second.Stdout);
            Assert.Contains("[promote] skipped (gate: accuracy", second.Stdout);
            Assert.Contains("[deploy] deployment 'blue' already serves iris:1 (Healthy); nothing to do", second.Stdout);
            Assert.Contains("[invoke] Prediction from deployment 'blue'", second.Stdout);
        }
        finally { StopEndpoints(tmp.Path); }
    }

    [Fact]
    public async Task Iris_AgainstASharedWorkspaceServer_RunsFromAnotherFolderAndReuses()
    {
        using var tmp = new TempDir();
        var serverDir = Path.Combine(tmp.Path, "server");
        var store = Environment.GetEnvironmentVariable("MLP_TEST_POSTGRES") is { Length: > 0 } ? null : "sqlite:" + Path.Combine(serverDir, "server.db");
        using var pg = store is null ? new Server.Tests.Backends.PostgresDatabase() : null;
        var options = ServerOptions.Create(store ?? pg!.Uri, Path.Combine(serverDir, "workspaces"), "127.0.0.1:0", null, null, devCert: true, insecureHttp: false);
        await using var server = await ServerHost.StartAsync(options);
        var ca = Path.Combine(options.ServerDirectory, DevCertificate.CertFile);
        var login = new ServerLogin(server.Url, server.AdminToken!, ca);
        using (var http = new HttpClient(ServerTrust.CreateHandler(ca)) { BaseAddress = new Uri(server.Url) })
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", login.Token);
            (await http.PostAsync("/api/v1/workspaces", new StringContent("{\"name\":\"team\"}", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
        var url = server.Url + "/workspaces/team";
        var elsewhere = Directory.CreateDirectory(Path.Combine(tmp.Path, "laptop")).FullName;
        var env = new Dictionary<string, string> { ["CI"] = "true", ["MLP_TOKEN"] = login.Token, ["MLP_CA_CERT"] = ca };
        using var ws = RemoteWorkspace.Open(new RemoteAddress(server.Url, "team"), login);
        try
        {
            var first = Support.Run("dotnet", [Program("Iris", "Iris.Pipeline"), "run", "--workspace", url], workingDir: elsewhere, env: env, timeoutMs: 300_000);
            Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
            Assert.Contains("[invoke] Prediction from deployment 'blue': {\"predictions\":[\"virginica\"]", first.Stdout);
            var second = Support.Run("dotnet", [Program("Iris", "Iris.Pipeline"), "run", "--workspace", url], workingDir: elsewhere, env: env, timeoutMs: 300_000);
            Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
            Assert.Contains("[train] reused (from run ", second.Stdout);

            Assert.False(Directory.Exists(Path.Combine(elsewhere, ".mlp")), "no embedded workspace was created");
            Assert.Equal(1, ws.Models.Get(Core.Registry.ModelRef.Parse("iris@champion")).Version);
            var pipelines = ws.Runs.QueryRuns(new Core.Runs.RunQuery { Filter = "attributes.status = 'Completed'", Max = 1000 }).Where(r => r.Kind == "pipeline").ToList();
            Assert.Equal(2, pipelines.Count);
        }
        finally { await new DaemonClient(ws.ScratchDirectory).StopAsync(CancellationToken.None); }
    }

    [RequiresSklearnFact]
    public void Diabetes_TwoVariantsInParallel_BetterOneServedByScorePy()
    {
        using var tmp = new TempDir();
        using (LocalWorkspace.Init(tmp.Path)) { }
        try
        {
            var r = RunPipeline("Diabetes", "Diabetes.Pipeline", tmp.Path, "--param", $"Python={SklearnPython.Path}");
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            Assert.Matches(@"\[select\] Selected '(ridge|gbr)'", r.Stdout);
            Assert.Contains("[register] registered model diabetes:1", r.Stdout);
            Assert.Matches(@"\[invoke\] Prediction from deployment 'blue': \[\d+(\.\d+)?\]", r.Stdout);
            using var ws = LocalWorkspace.Open(tmp.Path);
            AssertTrainStepsLoggedThroughMlflow(ws);
        }
        finally { StopEndpoints(tmp.Path); }
    }

    [RequiresSklearnFact]
    public async Task Diabetes_AgainstASharedWorkspaceServer_TrainStepsLogThroughTheServersMlflowApi()
    {
        using var tmp = new TempDir();
        var serverDir = Path.Combine(tmp.Path, "server");
        var options = ServerOptions.Create("sqlite:" + Path.Combine(serverDir, "server.db"), Path.Combine(serverDir, "workspaces"), "127.0.0.1:0", null, null, devCert: true, insecureHttp: false);
        await using var server = await ServerHost.StartAsync(options);
        var ca = Path.Combine(options.ServerDirectory, DevCertificate.CertFile);
        var login = new ServerLogin(server.Url, server.AdminToken!, ca);
        using (var http = new HttpClient(ServerTrust.CreateHandler(ca)) { BaseAddress = new Uri(server.Url) })
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", login.Token);
            (await http.PostAsync("/api/v1/workspaces", new StringContent("{\"name\":\"team\"}", System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        }
        var env = new Dictionary<string, string> { ["CI"] = "true", ["MLP_TOKEN"] = login.Token, ["MLP_CA_CERT"] = ca };
        using var ws = RemoteWorkspace.Open(new RemoteAddress(server.Url, "team"), login);
        try
        {
            var r = Support.Run("dotnet", [Program("Diabetes", "Diabetes.Pipeline"), "run", "--workspace", server.Url + "/workspaces/team", "--param", $"Python={SklearnPython.Path}"],
                workingDir: tmp.Path, env: env, timeoutMs: 300_000);
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            AssertTrainStepsLoggedThroughMlflow(ws);
        }
        finally { await new DaemonClient(ws.ScratchDirectory).StopAsync(CancellationToken.None); }
    }

    // train.py logs train_rmse/train_r2 only through MLflow's runs/log-batch (MLFLOW_TRACKING_URI, MLFLOW_RUN_ID, the run-scoped token).
    private static void AssertTrainStepsLoggedThroughMlflow(Core.Workspaces.IWorkspace ws)
    {
        var steps = ws.Runs.QueryRuns(new Core.Runs.RunQuery { Max = 1000 }).Where(run => run.Kind == "step" && run.DisplayName is "train-ridge" or "train-gbr").ToList();
        Assert.Equal(2, steps.Count);
        foreach (var step in steps)
        {
            var rmse = Assert.Single(ws.Runs.GetMetrics(step.Id, "train_rmse"));
            Assert.True(rmse.Value > 0, $"{step.DisplayName}: train_rmse {rmse.Value}");
            Assert.Single(ws.Runs.GetMetrics(step.Id, "train_r2"));
        }
    }

    private static Support.ProcessResult RunPipeline(string pipeline, string assembly, string workspace, params string[] extra) =>
        Support.Run("dotnet", [Program(pipeline, assembly), "run", "--workspace", workspace, .. extra], workingDir: workspace,
            env: new Dictionary<string, string> { ["CI"] = "true" }, timeoutMs: 300_000);

    private static void StopEndpoints(string workspace)
    {
        using var ws = LocalWorkspace.Open(workspace);
        new DaemonClient(ws.ScratchDirectory).StopAsync(CancellationToken.None).GetAwaiter().GetResult();
    }
}
