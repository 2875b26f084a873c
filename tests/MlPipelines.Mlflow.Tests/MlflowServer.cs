using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlPipelines.Server.Hosting;
using MlPipelines.Server.Tests;
using MlPipelines.Core.Workspaces;
using MlPipelines.Server.Tests.Backends;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Mlflow.Tests;

/// <summary>
/// A real <c>mlp server</c> over HTTPS on a free loopback port, on SQLite or PostgreSQL, started on first use and
/// shared by a test class; every test gets its own workspace. <see cref="EmbeddedMlflowServer"/> overrides the
/// workspace-making members to serve embedded workspaces instead (tests reach either through <see cref="MlflowClient"/>).
/// </summary>
public abstract class MlflowServer : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ServerHost? _host;
    private int _workspaces;

    /// <summary>The folder this fixture keeps its files in.</summary>
    protected TempDir Files => _dir;

    /// <summary>The store address for <c>--store</c>.</summary>
    protected virtual string Store(TempDir dir) => throw new NotSupportedException($"{GetType().Name} has no server store.");

    /// <summary>The started server.</summary>
    public virtual async Task<ServerHost> HostAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_host is not null) return _host;
            var options = ServerOptions.Create(Store(_dir), _dir.Combine("files"), "127.0.0.1:0", null, null, devCert: true, insecureHttp: false) with { RateLimitPerToken = 0 };
            return _host = await ServerHost.StartAsync(options);
        }
        finally { _gate.Release(); }
    }

    /// <summary>The server's dev certificate (for clients outside this process).</summary>
    public string CaCert => Path.Combine(ServerOptions.Create(Store(_dir), _dir.Combine("files"), "127.0.0.1:0", null, null, true, false).ServerDirectory, DevCertificate.CertFile);

    /// <summary>A client of the server (not of a workspace) with <paramref name="token"/>.</summary>
    public virtual async Task<HttpClient> ServerClientAsync(string? token)
    {
        var host = await HostAsync();
        var cert = Path.Combine(ServerOptions.Create(Store(_dir), _dir.Combine("files"), "127.0.0.1:0", null, null, true, false).ServerDirectory, DevCertificate.CertFile);
        var http = new HttpClient(ServerTrust.CreateHandler(cert)) { BaseAddress = new Uri(host.Url + "/") };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A fresh workspace and an MLflow client of it (base address = the tracking URI + "/") with the admin's token.</summary>
    public virtual async Task<MlflowClient> NewWorkspaceAsync()
    {
        var host = await HostAsync();
        var name = "w" + Interlocked.Increment(ref _workspaces);
        using var admin = await ServerClientAsync(host.AdminToken);
        (await admin.PostAsJsonAsync("/api/v1/workspaces", new { name })).EnsureSuccessStatusCode();
        var uri = $"{host.Url}/workspaces/{name}";
        return new MlflowClient(this, name, host.AdminToken!)
        {
            TrackingUri = uri, CaCert = CaCert,
            Open = () => RemoteWorkspace.Open(RemoteAddress.Parse(uri), new ServerLogin(host.Url, host.AdminToken!, CaCert)),
        };
    }

    /// <summary>A token that may act on run <paramref name="runId"/> of the client's workspace only (what a step process gets).</summary>
    public virtual async Task<string> RunTokenAsync(MlflowClient ml, string runId)
    {
        var host = await HostAsync();
        using var admin = await ServerClientAsync(host.AdminToken);
        var issued = await admin.PostAsJsonAsync($"/api/v1/workspaces/{ml.Workspace}/runs/{runId}/token", new { });
        issued.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await issued.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
    }

    /// <summary>A token of a new identity holding <paramref name="role"/> on the workspace (tests using it: <c>[BackendFact(NeedsIdentities = true)]</c>).</summary>
    public virtual async Task<string> TokenWithRoleAsync(string workspace, string role)
    {
        var host = await HostAsync();
        using var admin = await ServerClientAsync(host.AdminToken);
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        (await admin.PostAsJsonAsync("/api/v1/identities", new { name = user })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/v1/workspaces/{workspace}/roleAssignments", new { principal = user, role })).EnsureSuccessStatusCode();
        var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { principal = user });
        token.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await DisposeHostsAsync();
        Dispose(true);
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the backend holds (a PostgreSQL database).</summary>
    protected virtual void Dispose(bool disposing) { }

    /// <summary>Stops hosts a variant started besides the shared server (before its files are deleted).</summary>
    protected virtual ValueTask DisposeHostsAsync() => ValueTask.CompletedTask;
}

/// <summary>The server on a SQLite store.</summary>
public sealed class SqliteMlflowServer : MlflowServer
{
    protected override string Store(TempDir dir) => "sqlite:" + dir.Combine("server", "server.db");
}

/// <summary>The server on a fresh PostgreSQL database.</summary>
public sealed class PostgresMlflowServer : MlflowServer
{
    private PostgresDatabase? _db;

    protected override string Store(TempDir dir) => (_db ??= new PostgresDatabase()).Uri;

    protected override void Dispose(bool disposing)
    {
        if (disposing) _db?.Dispose();
    }
}

/// <summary>An MLflow REST client of one workspace: raw calls, answers as JSON.</summary>
public sealed class MlflowClient(MlflowServer server, string workspace, string token)
{
    /// <summary>The workspace's name (on the shared server; an embedded workspace's folder name).</summary>
    public string Workspace { get; } = workspace;

    /// <summary>What <c>MLFLOW_TRACKING_URI</c> is for this workspace (no trailing slash): <c>https://HOST:PORT/workspaces/NAME</c>, or an embedded host's root.</summary>
    public string TrackingUri { get; init; } = "";

    /// <summary>The PEM certificate the server is trusted with (<c>MLFLOW_TRACKING_SERVER_CERT_PATH</c>).</summary>
    public string CaCert { get; init; } = "";

    /// <summary>Opens the workspace through <see cref="IWorkspace"/> (to check what MLflow calls stored, or to log natively).</summary>
    public Func<IWorkspace> Open { get; init; } = () => throw new InvalidOperationException("This client was made without a way to open its workspace.");

    /// <summary>The admin token used by default.</summary>
    public string Token { get; } = token;

    /// <summary>The server.</summary>
    public MlflowServer Server { get; } = server;

    /// <summary>POSTs a JSON body (an object or raw text) to <c>api/2.0/mlflow/PATH</c>.</summary>
    public async Task<Answer> Post(string path, object body, string? asToken = null, string prefix = "api")
    {
        using var http = Http(asToken ?? Token);
        var text = body as string ?? JsonSerializer.Serialize(body);
        using var response = await http.PostAsync($"{prefix}/2.0/mlflow/{path}", new StringContent(text, Encoding.UTF8, "application/json"));
        return await Answer.Read(response);
    }

    /// <summary>GETs <c>api/2.0/mlflow/PATH?QUERY</c>.</summary>
    public async Task<Answer> Get(string pathAndQuery, string? asToken = null)
    {
        using var http = Http(asToken ?? Token);
        using var response = await http.GetAsync($"api/2.0/mlflow/{pathAndQuery}");
        return await Answer.Read(response);
    }

    /// <summary>An HTTP client whose base address is the tracking URI + "/", trusting <see cref="CaCert"/>, sending <paramref name="token"/> (none when null).</summary>
    public HttpClient Http(string? token)
    {
        var http = new HttpClient(ServerTrust.CreateHandler(CaCert)) { BaseAddress = new Uri(TrackingUri + "/") };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>Creates a run in experiment <paramref name="experimentId"/> and returns its id.</summary>
    public async Task<string> CreateRun(string experimentId = "0", string? name = null, object? tags = null)
    {
        var run = (await Post("runs/create", new { experiment_id = experimentId, run_name = name, start_time = 1, tags = tags ?? Array.Empty<object>() })).Ok();
        return run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }
}

/// <summary>An HTTP answer: status and parsed JSON body.</summary>
public sealed record Answer(int Status, JsonElement Body, string Text)
{
    public static async Task<Answer> Read(HttpResponseMessage r)
    {
        var text = await r.Content.ReadAsStringAsync();
        JsonElement body = default;
        try { body = JsonDocument.Parse(text.Length == 0 ? "{}" : text).RootElement; } catch (JsonException) { }
        return new Answer((int)r.StatusCode, body, text);
    }

    /// <summary>The body of a 200 answer (fails the test otherwise, showing the body).</summary>
    public JsonElement Ok()
    {
        Assert.True(Status == 200, $"expected 200, got {Status}: {Text}");
        return Body;
    }

    /// <summary>Asserts an MLflow error answer and returns its message.</summary>
    public string Error(int status, string code)
    {
        Assert.True(Status == status, $"expected {status}, got {Status}: {Text}");
        Assert.Equal(code, Body.GetProperty("error_code").GetString());
        return Body.GetProperty("message").GetString()!;
    }
}
