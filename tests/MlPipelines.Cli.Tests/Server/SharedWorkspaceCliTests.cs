using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Cli.Tests.Registry;
using MlPipelines.Server.Tests.Backends;

namespace MlPipelines.Cli.Tests.Server;

/// <summary>
/// The README's shared-workspace flow with the real processes: a TLS server on SQLite or PostgreSQL, an Owner who
/// creates a workspace and adds a Reader, runs submitted from another folder, the Reader reading them but refused writes.
/// </summary>
public sealed class SharedWorkspaceCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlp-shared-flow-").FullName;
    private PostgresDatabase? _pg;

    public void Dispose()
    {
        _pg?.Dispose();
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    public static TheoryData<string> Stores() => Environment.GetEnvironmentVariable(PostgresDatabase.Variable) is { Length: > 0 }
        ? new TheoryData<string> { "sqlite", "postgresql" } : new TheoryData<string> { "sqlite" };

    [Theory]
    [MemberData(nameof(Stores))]
    public void SharedWorkspace_OwnerAndReader_RunsFromAnotherFolderReadableButNotWritableByTheReader(string storeKind)
    {
        string? store = null;
        if (storeKind == "postgresql") store = (_pg = new PostgresDatabase()).Uri;
        using var server = ServerProcess.Start(_root, store);
        var login = Mlp(server.AdminToken, null, "login", server.Url, "--ca-cert", server.CaCert);
        Assert.True(login.ExitCode == 0, login.Stderr);
        Assert.Equal(0, Mlp(null, null, "workspace", "create", "team", "--server", server.Url).ExitCode);
        Assert.Equal(0, Mlp(null, null, "identity", "create", "bob").ExitCode);
        Assert.Equal(0, Mlp(null, null, "role", "assign", "--user", "bob", "--role", "Reader", "--workspace", "team").ExitCode);
        var bob = JsonDocument.Parse(Mlp(null, null, "token", "create", "--user", "bob", "--format", "json").Stdout).RootElement.GetProperty("secret").GetString();
        var url = server.Url + "/workspaces/team";

        var project = Directory.CreateDirectory(Path.Combine(_root, "project")).FullName;
        File.WriteAllText(Path.Combine(project, "train.sh"),
            "echo '##mlp[metric name=loss]0.25'\necho model > \"$MLP_OUTPUT_DIR/model.txt\"\nprintf '%s' \"$MLP_TOKEN\" > \"$TOKEN_FILE\"\n");
        var submit = Mlp(null, project, "run", "submit", "--workspace", url, "--experiment", "churn", "--", "sh", "train.sh");
        Assert.True(submit.ExitCode == 0, submit.Stderr);
        Assert.Contains("Completed", submit.Stderr);
        Assert.False(Directory.Exists(Path.Combine(project, ".mlp")));
        // The step process got a token of its own, scoped to its run and revoked when the run ended.
        var stepToken = File.ReadAllText(Path.Combine(_root, "step-token"));
        Assert.StartsWith("mlp_", stepToken);
        Assert.NotEqual(server.AdminToken, stepToken);
        var revoked = Mlp(stepToken, project, "run", "list", "--workspace", url);
        Assert.Equal(2, revoked.ExitCode);
        Assert.Contains("mlp login", revoked.Stderr);

        // An MLflow-style REST call from inside a step lands in that step's run (MLFLOW_* variables, run-scoped token).
        File.WriteAllText(Path.Combine(project, "mlflow_step.py"), """
            import json, os, ssl, time, urllib.request
            ctx = ssl.create_default_context(cafile=os.environ["MLFLOW_TRACKING_SERVER_CERT_PATH"])
            body = json.dumps({"run_id": os.environ["MLFLOW_RUN_ID"], "key": "mlflow_loss", "value": 0.125, "timestamp": int(time.time() * 1000), "step": 3}).encode()
            req = urllib.request.Request(os.environ["MLFLOW_TRACKING_URI"] + "/api/2.0/mlflow/runs/log-metric", data=body, method="POST",
                                         headers={"Content-Type": "application/json", "Authorization": "Bearer " + os.environ["MLFLOW_TRACKING_TOKEN"]})
            print(urllib.request.urlopen(req, context=ctx).status)
            """);
        var mlflowStep = Mlp(null, project, "run", "submit", "--workspace", url, "--experiment", "mlflow", "--", "python3", "mlflow_step.py");
        Assert.True(mlflowStep.ExitCode == 0, mlflowStep.Stderr + mlflowStep.Stdout);
        var mlflowRun = JsonDocument.Parse(Mlp(null, project, "run", "list", "--workspace", url, "--experiment", "mlflow", "--format", "json").Stdout).RootElement[0].GetProperty("id").GetString()!;
        Assert.Contains("mlflow_loss", Mlp(null, project, "run", "metrics", mlflowRun, "--workspace", url).Stdout);

        var runs = JsonDocument.Parse(Mlp(bob, project, "run", "list", "--workspace", url, "--experiment", "churn", "--format", "json").Stdout).RootElement;
        var run = Assert.Single(runs.EnumerateArray().ToList());
        Assert.Equal("Completed", run.GetProperty("status").GetString());
        var runId = run.GetProperty("id").GetString()!;
        Assert.Contains("0.25", Mlp(bob, project, "run", "metrics", runId, "--workspace", url).Stdout);
        var download = Mlp(bob, project, "run", "download", runId, "--workspace", url, "--output", Path.Combine(_root, "dl"));
        Assert.True(download.ExitCode == 0, download.Stderr);
        Assert.Equal("model\n", File.ReadAllText(Path.Combine(_root, "dl", "model.txt")));

        var denied = Mlp(bob, project, "run", "submit", "--workspace", url, "--experiment", "churn", "--", "sh", "train.sh");
        Assert.Equal(2, denied.ExitCode);
        Assert.Contains("'bob' needs action 'workspaces/experiments/runs/write' on scope '/workspaces/team'", denied.Stderr);
        var register = Mlp(bob, project, "model", "register", "churn", "--run", runId, "--path", "model.txt", "--workspace", url);
        Assert.Equal(2, register.ExitCode);
        Assert.Contains("needs action 'workspaces/models/versions/write'", register.Stderr);
        Assert.Single(JsonDocument.Parse(Mlp(null, project, "run", "list", "--workspace", url, "--experiment", "churn", "--format", "json").Stdout).RootElement.EnumerateArray());
    }

    private CliResult Mlp(string? token, string? cwd, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = cwd ?? _root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(_root, "config");
        foreach (var v in new[] { "MLP_WORKSPACE", "MLP_SERVER", "MLP_CA_CERT", "MLP_TOKEN" }) psi.Environment.Remove(v);
        if (token is not null) psi.Environment["MLP_TOKEN"] = token;
        psi.Environment["TOKEN_FILE"] = Path.Combine(_root, "step-token");
        using var p = Process.Start(psi)!;
        if (args[0] == "login") p.StandardInput.WriteLine(token);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"mlp {string.Join(' ', args)} did not exit."); }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}
