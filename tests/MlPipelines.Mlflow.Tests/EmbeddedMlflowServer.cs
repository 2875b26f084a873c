using System.Collections.Concurrent;
using System.Net;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace;

namespace MlPipelines.Mlflow.Tests;

/// <summary>
/// The MLflow API of embedded workspaces: every test gets a fresh <c>.mlp/</c> folder and its own
/// <see cref="EmbeddedMlflowHost"/> on a free loopback port (what <c>mlp server --workspace</c> and the runner start),
/// called with the host's owner token. There is no shared server here: no native API and no identities or roles, so
/// tests marked <c>[BackendFact(NeedsIdentities = true)]</c> are skipped with the reason shown.
/// </summary>
public sealed class EmbeddedMlflowServer : MlflowServer
{
    /// <summary>Why identity tests cannot run here.</summary>
    public const string NoIdentities = "an embedded workspace has no identities or roles: its MLflow host knows one owner token and run-scoped tokens";

    private readonly ConcurrentDictionary<string, EmbeddedMlflowHost> _hosts = new();
    private int _workspaces;

    /// <inheritdoc />
    public override Task<ServerHost> HostAsync() => throw NoServer();

    /// <inheritdoc />
    public override Task<HttpClient> ServerClientAsync(string? token) => throw NoServer();

    /// <inheritdoc />
    public override Task<string> TokenWithRoleAsync(string workspace, string role) => throw new NotSupportedException(
        $"TokenWithRoleAsync('{role}'): {NoIdentities}. Mark the test [BackendFact(NeedsIdentities = true)] so it is skipped here.");

    /// <inheritdoc />
    public override async Task<MlflowClient> NewWorkspaceAsync()
    {
        var name = "w" + Interlocked.Increment(ref _workspaces);
        var folder = Files.Combine(name);
        LocalWorkspace.Init(folder).Dispose();
        var host = await EmbeddedMlflowHost.StartAsync(folder, new IPEndPoint(IPAddress.Loopback, 0));
        _hosts[name] = host;
        return new MlflowClient(this, name, host.OwnerToken)
        {
            TrackingUri = host.Url, CaCert = host.CaCertPath, Open = () => LocalWorkspace.Open(folder),
        };
    }

    /// <inheritdoc />
    public override Task<string> RunTokenAsync(MlflowClient ml, string runId) => Task.FromResult(_hosts[ml.Workspace].IssueRunToken(runId));

    /// <inheritdoc />
    protected override async ValueTask DisposeHostsAsync()
    {
        foreach (var host in _hosts.Values) await host.DisposeAsync();
        _hosts.Clear();
    }

    private static NotSupportedException NoServer() =>
        new("An embedded workspace has no shared server or native API: reach it through MlflowClient (TrackingUri, CaCert, Http, Open).");
}
