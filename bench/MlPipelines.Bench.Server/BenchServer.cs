using MlPipelines.Server.Hosting;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Bench.Server;

/// <summary>A real <c>mlp server</c> (HTTPS with a dev certificate, loopback) in this process, and clients of it.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private BenchServer(ServerHost host, ServerOptions options) { Host = host; Options = options; }

    public ServerHost Host { get; }
    public ServerOptions Options { get; }

    public static async Task<BenchServer> StartAsync(string dir, string store)
    {
        var options = ServerOptions.Create(store, Path.Combine(dir, "workspaces"), "127.0.0.1:0", null, null, devCert: true, insecureHttp: false)
            // The per-token limit (default 200 requests/s) would measure the limiter, not the server.
            with { RateLimitPerToken = 0 };
        return new BenchServer(await ServerHost.StartAsync(options), options);
    }

    public ServerLogin Login => new(Host.Url, Host.AdminToken!, Path.Combine(Options.ServerDirectory, DevCertificate.CertFile));

    public async Task CreateWorkspaceAsync(string name)
    {
        using var http = new HttpClient(ServerTrust.CreateHandler(Login.CaCert)) { BaseAddress = new Uri(Host.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", Login.Token);
        using var r = await http.PostAsync("/api/v1/workspaces", new StringContent($"{{\"name\":\"{name}\"}}", System.Text.Encoding.UTF8, "application/json"));
        r.EnsureSuccessStatusCode();
    }

    public RemoteWorkspace Open(string workspace) => RemoteWorkspace.Open(new RemoteAddress(Host.Url, workspace), Login);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}
