using MlPipelines.Server.Hosting;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;
using MlPipelines.Workspace.Remote.Http;
using MlPipelines.Workspace.Remote.Stores;

namespace MlPipelines.Server.Tests.Remote;

/// <summary>A real HTTPS server with one workspace 'w', and remote stores built directly on a connection.</summary>
public sealed class RemoteWorkspaceServer : IAsyncDisposable
{
    public const string Workspace = "w";

    static RemoteWorkspaceServer() => ThreadPool.SetMinThreads(Math.Max(16, Environment.ProcessorCount * 4), 16); // sync client + in-process server

    private RemoteWorkspaceServer(RunningServer server) => Server = server;

    public RunningServer Server { get; }
    public string CaPath => Path.Combine(Server.Folder, "server", DevCertificate.CertFile);
    /// <summary>The hosted workspace's folder on the server (its <c>.mlp</c> lives inside).</summary>
    public string Location => Server.Host.Store.Workspaces.Get(Workspace).Location;
    public string Scratch => Path.Combine(Location, ".mlp", "tmp");

    public static async Task<RemoteWorkspaceServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var server = await RunningServer.StartAsync(configure);
        using var admin = server.Client(server.AdminToken);
        (await admin.Post("/api/v1/workspaces", new { name = Workspace })).EnsureSuccessStatusCode();
        return new RemoteWorkspaceServer(server);
    }

    /// <summary>A user with <paramref name="role"/> on the workspace, and its token.</summary>
    public async Task<string> TokenFor(string user, string role)
    {
        using var admin = Server.Client(Server.AdminToken);
        (await admin.Post("/api/v1/identities", new { name = user })).EnsureSuccessStatusCode();
        (await admin.Post($"/api/v1/workspaces/{Workspace}/roleAssignments", new { principal = user, role })).EnsureSuccessStatusCode();
        return (await (await admin.Post("/api/v1/tokens", new { principal = user })).Json()).GetProperty("secret").GetString()!;
    }

    public RemoteConnection Connect(string? token = null, RemoteOptions? options = null, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var inner = ServerTrust.CreateHandler(CaPath);
        return new RemoteConnection(new ServerLogin(Server.Host.Url, token ?? Server.AdminToken, CaPath),
            options ?? new RemoteOptions { GiveUpAfter = TimeSpan.FromSeconds(10) }, wrap?.Invoke(inner) ?? inner);
    }

    internal static RemoteStores Stores(RemoteConnection http)
    {
        var paths = new WorkspacePaths(Workspace);
        var artifacts = new RemoteArtifactStore(http, paths);
        return new RemoteStores(artifacts, new RemoteDatasetStore(http, paths, artifacts), new RemoteModelRegistry(http, paths, artifacts),
            new RemoteImageStore(http, paths), new RemoteEndpointStore(http, paths));
    }

    /// <summary>The hosted workspace opened directly (a second connection to its database), to seed runs and outputs.</summary>
    public LocalWorkspace OpenLocal() => LocalWorkspace.Open(Location);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

internal sealed record RemoteStores(RemoteArtifactStore Artifacts, RemoteDatasetStore Datasets, RemoteModelRegistry Models, RemoteImageStore Images, RemoteEndpointStore Endpoints);

/// <summary>Counts requests and can fail chosen ones, to see chunking and resumption from outside.</summary>
internal sealed class SpyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _sent;
    public List<string> Requests { get; } = [];
    /// <summary>Called with each response; return true to replace it by a 503 (the server did the work, the answer is "lost").</summary>
    public Func<HttpRequestMessage, int, bool>? LoseAnswer { get; set; }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = base.Send(request, cancellationToken);
        return After(request, response);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        After(request, await base.SendAsync(request, cancellationToken));

    private HttpResponseMessage After(HttpRequestMessage request, HttpResponseMessage response)
    {
        var n = Interlocked.Increment(ref _sent);
        lock (Requests) Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery}");
        if (LoseAnswer?.Invoke(request, n) != true) return response;
        response.Dispose();
        return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) { Content = new StringContent("{\"error\":\"lost\"}") };
    }
}
