using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using MlPipelines.Cli.Tests.Registry;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Cli.Tests.Server;

/// <summary>
/// The MLflow API of an embedded workspace with the real processes: <c>mlp server --workspace</c> by hand, and
/// <c>mlp run submit</c> serving it on loopback to the command it runs (MLFLOW_* variables, a run-scoped token).
/// </summary>
public sealed class EmbeddedMlflowCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlp-embedded-mlflow-").FullName;

    public EmbeddedMlflowCliTests() => LocalWorkspace.Init(_root).Dispose();

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [Fact]
    public async Task ServerWorkspace_PrintsUriTokenAndCert_ServesMlflowOnlyWithTheToken()
    {
        using var server = Process.Start(Psi("server", "--workspace", ".mlp", "--listen", "127.0.0.1:0", "--format", "json"))!;
        try
        {
            var json = new StringBuilder();
            var read = Task.Run(() => { while (server.StandardOutput.ReadLine() is { } line) { json.AppendLine(line); if (line == "}") break; } });
            Assert.True(await Task.WhenAny(read, Task.Delay(60_000)) == read, "no JSON from 'mlp server --workspace' within 60 s: " + json);
            var printed = JsonDocument.Parse(json.ToString()).RootElement;
            var uri = printed.GetProperty("trackingUri").GetString()!;
            var token = printed.GetProperty("token").GetString()!;
            var ca = printed.GetProperty("caCert").GetString()!;
            Assert.StartsWith("https://127.0.0.1:", uri);
            Assert.StartsWith(Path.Combine(_root, ".mlp"), ca);

            using var http = new HttpClient(ServerTrust.CreateHandler(ca)) { BaseAddress = new Uri(uri + "/") };
            var anonymous = await http.PostAsync("api/2.0/mlflow/experiments/create", Json(new { name = "by-hand" }));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("UNAUTHENTICATED", await anonymous.Content.ReadAsStringAsync());
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
            (await http.PostAsync("api/2.0/mlflow/experiments/create", Json(new { name = "by-hand" }))).EnsureSuccessStatusCode();
            using var ws = LocalWorkspace.Open(_root);
            Assert.Contains(ws.Runs.ListExperiments(), e => e.Name == "by-hand");
        }
        finally { server.Kill(true); server.WaitForExit(); }
    }

    [Fact]
    public void RunSubmit_EmbeddedWorkspace_CommandLogsThroughMlflowIntoItsRun()
    {
        File.WriteAllText(Path.Combine(_root, "mlflow_step.py"), """
            import json, os, ssl, time, urllib.request, urllib.error
            ctx = ssl.create_default_context(cafile=os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"])
            def post(path, body):
                req = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/" + path, data=json.dumps(body).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})
                try:
                    return urllib.request.urlopen(req, context=ctx).status
                except urllib.error.HTTPError as e:
                    return e.code
            print("experiment", os.environ["MLFLOW_EXPERIMENT_NAME"])
            print("log-batch", post("runs/log-batch", {"run_id": os.environ["MLFLOW_RUN_ID"], "metrics": [{"key": "mlflow_loss", "value": 0.125, "timestamp": int(time.time() * 1000), "step": 3}]}))
            print("create", post("runs/create", {"run_name": "not-mine"}))
            """);
        var r = Mlp("run", "submit", "--experiment", "mlflowexp", "--format", "json", "--", "python3", "mlflow_step.py");
        Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
        using var ws = LocalWorkspace.Open(_root);
        var run = Assert.Single(ws.Runs.QueryRuns(new Core.Runs.RunQuery { Max = 10 }));
        Assert.Equal("mlflowexp", run.Experiment);
        var logs = string.Join('\n', ws.Runs.GetLogs(run.Id).Select(l => l.Text));
        Assert.Contains("experiment mlflowexp", logs);
        Assert.Contains("log-batch 200", logs);
        Assert.Contains("create 403", logs); // the run-scoped token cannot make runs
        var point = Assert.Single(ws.Runs.GetMetrics(run.Id, "mlflow_loss"));
        Assert.Equal((0.125, 3L), (point.Value, point.Step));
    }

    [Fact]
    public void ServerWorkspace_WithASharedServerOption_Exit2SayingWhy()
    {
        var r = Mlp("server", "--workspace", ".mlp", "--store", "sqlite:x.db");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--store is an option of the shared server", r.Stderr);
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private ProcessStartInfo Psi(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = _root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(_root, "config");
        foreach (var v in new[] { "MLP_WORKSPACE", "MLP_SERVER", "MLP_CA_CERT", "MLP_TOKEN", "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_TOKEN" }) psi.Environment.Remove(v);
        return psi;
    }

    private CliResult Mlp(params string[] args)
    {
        using var p = Process.Start(Psi(args))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"mlp {string.Join(' ', args)} did not exit."); }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
