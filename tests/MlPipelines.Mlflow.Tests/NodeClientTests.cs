using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace MlPipelines.Mlflow.Tests;

/// <summary>A fact skipped, with the reason shown, when node or npm is not on PATH.</summary>
public sealed class RequiresNodeFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(() =>
    {
        foreach (var tool in new[] { "node", "npm" })
        {
            try
            {
                using var p = Process.Start(new ProcessStartInfo(tool, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
                p.WaitForExit(30_000);
                if (p.ExitCode != 0) return $"{tool} --version failed";
            }
            catch (System.ComponentModel.Win32Exception e) { return $"{tool} is not on PATH: {e.Message}"; }
        }
        return null;
    });

    public RequiresNodeFactAttribute()
    {
        if (Missing.Value is { } reason) Skip = reason;
    }
}

/// <summary>The npm client against a real server workspace on SQLite.</summary>
public sealed class NodeClientTests(ITestOutputHelper output) : NodeClientContract(new SqliteMlflowServer(), output);

/// <summary>The npm client against an embedded workspace's MLflow host (what the runner serves to step processes).</summary>
public sealed class NodeClientEmbeddedTests(ITestOutputHelper output) : NodeClientContract(new EmbeddedMlflowServer(), output);

/// <summary>
/// The npm package <c>mlflow</c> 2.0.7 (a Node.js MLflow REST client nobody here wrote) against a real server: the calls
/// MlPipelines implements must pass; the rest are listed in the output (and in docs/mlflow.md).
/// </summary>
public abstract class NodeClientContract(MlflowServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] MustPass =
    [
        "experiments/create", "experiments/get", "runs/create", "runs/log-metric", "runs/log-parameter", "runs/set-tag",
        "runs/log-batch", "runs/get", "metrics/get-history", "runs/search", "runs/update", "runs/delete-tag",
        "runs/delete", "runs/restore", "experiments/update", "experiments/delete", "experiments/restore",
        "artifacts/list",
    ];
    private readonly MlflowServer _server = server;

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [RequiresNodeFact]
    public async Task NpmMlflowClient_ImplementedCallsPass()
    {
        var client = await _server.NewWorkspaceAsync();
        var dir = Directory.CreateTempSubdirectory("mlp-node-client-").FullName;
        try
        {
            var source = Path.Combine(AppContext.BaseDirectory, "NodeClient");
            foreach (var f in new[] { "package.json", "package-lock.json", "run-client.js" }) File.Copy(Path.Combine(source, f), Path.Combine(dir, f));
            var install = Run("npm", ["ci", "--no-audit", "--no-fund"], dir, []);
            Assert.True(install.Code == 0, "npm ci failed: " + install.Stderr);
            var run = Run("node", ["run-client.js"], dir, new()
            {
                ["MLFLOW_ENDPOINT"] = client.TrackingUri,
                ["MLFLOW_TOKEN"] = client.Token,
                ["NODE_EXTRA_CA_CERTS"] = client.CaCert,
            });
            Assert.True(run.Code == 0, run.Stderr);
            var results = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .ToDictionary(e => e.GetProperty("call").GetString()!, e => (Ok: e.GetProperty("ok").GetBoolean(), Detail: e.GetProperty("detail").GetString()));
            foreach (var (call, (ok, detail)) in results) output.WriteLine($"{(ok ? "pass" : "FAIL")}  {call}  {(ok ? "" : detail)}");
            foreach (var call in MustPass)
                Assert.True(results.TryGetValue(call, out var r) && r.Ok, $"{call}: {(results.TryGetValue(call, out var x) ? x.Detail : "not run")}");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static (int Code, string Stdout, string Stderr) Run(string file, string[] args, string cwd, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000)) { p.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish."); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
