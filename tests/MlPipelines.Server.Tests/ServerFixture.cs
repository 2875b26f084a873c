using MlPipelines.Workspace.Remote;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MlPipelines.Server.Hosting;

namespace MlPipelines.Server.Tests;

/// <summary>A real server on a free loopback port with a generated certificate, and clients that trust only that certificate.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = CreateJson();
    private readonly TempDir _dir = new();

    private RunningServer() { }

    public ServerHost Host { get; private set; } = null!;
    public string Folder => _dir.Path;
    public string AdminToken { get; private set; } = "";

    public static async Task<RunningServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null)
    {
        var s = new RunningServer();
        var options = ServerOptions.Create("sqlite:" + s._dir.Combine("server", "server.db"), null, "127.0.0.1:0", null, null, devCert: true, insecureHttp: false);
        s.Host = await ServerHost.StartAsync(configure?.Invoke(options) ?? options);
        s.AdminToken = s.Host.AdminToken!;
        return s;
    }

    public HttpClient Client(string? token)
    {
        var http = new HttpClient(ServerTrust.CreateHandler(Path.Combine(Folder, "server", DevCertificate.CertFile))) { BaseAddress = new Uri(Host.Url) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>The login of this server with <paramref name="token"/> and its dev certificate as CA.</summary>
    public ServerLogin Login(string token) => new(Host.Url, token, Path.Combine(Folder, "server", DevCertificate.CertFile));

    /// <summary>A remote workspace client of workspace <paramref name="name"/> (created first unless <paramref name="create"/> is false).</summary>
    public async Task<RemoteWorkspace> OpenRemoteAsync(string name, string? token = null, bool create = true, RemoteOptions? options = null)
    {
        if (create)
        {
            using var admin = Client(AdminToken);
            var created = await admin.Post("/api/v1/workspaces", new { name });
            if (created.StatusCode != System.Net.HttpStatusCode.Conflict) created.EnsureSuccessStatusCode();
        }
        return RemoteWorkspace.Open(new RemoteAddress(Host.Url, name), Login(token ?? AdminToken), options);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _dir.Dispose();
    }

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions();
        ServerHost.Configure(o);
        o.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        return o;
    }
}

public static class HttpExtensions
{
    public static async Task<JsonElement> Json(this HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
    public static Task<HttpResponseMessage> Post(this HttpClient c, string url, object body) => c.PostAsJsonAsync(url, body, RunningServer.Json);
}
