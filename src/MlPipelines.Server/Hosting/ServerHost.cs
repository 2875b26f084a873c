using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlPipelines.Server.Api;
using MlPipelines.Server.Store;
using Scalar.AspNetCore;

namespace MlPipelines.Server.Hosting;

/// <summary>A running <c>mlp server</c>: Kestrel over HTTPS (TLS 1.2+) or loopback HTTP, the API and its store.</summary>
public sealed class ServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ServerStore _store;
    private readonly HostedWorkspaces _workspaces;

    private ServerHost(WebApplication app, ServerStore store, HostedWorkspaces workspaces, string url, X509Certificate2? cert, string? adminToken)
    {
        _app = app; _store = store; _workspaces = workspaces;
        Url = url; Certificate = cert; AdminToken = adminToken;
    }

    /// <summary>The base address actually bound, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string Url { get; }
    /// <summary>The TLS certificate served, or null with <c>--insecure-http</c>.</summary>
    public X509Certificate2? Certificate { get; }
    /// <summary>The bootstrap admin token when this start created the admin (shown once), else null.</summary>
    public string? AdminToken { get; }
    /// <summary>The server's metadata store.</summary>
    public ServerStore Store => _store;

    /// <summary>Opens the store, bootstraps the admin on first start, and starts listening.</summary>
    public static async Task<ServerHost> StartAsync(ServerOptions options, CancellationToken ct = default)
    {
        var store = ServerStore.Open(options.Store);
        if (!Directory.Exists(options.ServerDirectory)) // with PostgreSQL no store file created it
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(options.ServerDirectory);
            else Directory.CreateDirectory(options.ServerDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var workspaces = new HostedWorkspaces(store, options.ArtifactsDirectory);
        try
        {
            var adminToken = ServerBootstrap.EnsureOwner(store);
            var cert = options.InsecureHttp ? null
                : options.DevCert ? DevCertificate.LoadOrCreate(options.ServerDirectory)
                : X509Certificate2.CreateFromPemFile(options.TlsCertPath!, options.TlsKeyPath);
            var app = Build(options, store, workspaces, cert);
            await app.StartAsync(ct);
            var url = app.Urls.First();
            return new ServerHost(app, store, workspaces, url, cert, adminToken);
        }
        catch
        {
            workspaces.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>The mapped endpoints (for the test that every operation declares its action).</summary>
    public IReadOnlyList<Microsoft.AspNetCore.Http.Endpoint> Endpoints() =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).ToList();

    /// <summary>Waits until the server is stopped (Ctrl+C or <paramref name="ct"/>).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => _app.WaitForShutdownAsync(ct);

    private static WebApplication Build(ServerOptions options, ServerStore store, HostedWorkspaces workspaces, X509Certificate2? cert)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.ServerDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            k.Listen(options.Listen, listen =>
            {
                if (cert is not null) listen.UseHttps(https => { https.ServerCertificate = cert; https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13; });
            });
        });
        builder.Services.AddSingleton(options).AddSingleton(new Identity.SignInMethods(options.Oidc is null ? null : new Identity.OidcAuthenticator(options.Oidc))).AddSingleton(store).AddSingleton(workspaces).AddSingleton(TimeProvider.System);
        if (options.RateLimitPerToken > 0) builder.Services.AddRateLimiter(o => TokenRateLimits.Configure(o, options.RateLimitPerToken));
        builder.Services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "MlPipelines workspace server";
            doc.Info.Description = "Every operation needs a bearer token whose roles allow the operation's action (see docs/server.md).";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.UseRouting();
        if (options.RateLimitPerToken > 0) app.UseRateLimiter(); // before AccessMiddleware: refused requests are neither authenticated nor audited
        app.UseMiddleware<AccessMiddleware>(options.MaxRequestBodyBytes);
        app.UseMiddleware<IdempotencyMiddleware>();
        app.MapOpenApi("/openapi/{documentName}.json").WithMetadata(new PublicEndpoint());
        // The browsable reference of the same document; its script is served from the package, not a CDN.
        app.MapScalarApiReference("/docs", o => o.WithTitle("MlPipelines workspace server API")).WithMetadata(new PublicEndpoint());
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithMetadata(new PublicEndpoint()).ExcludeFromDescription();
        var api = app.MapGroup("/api/v1");
        AdminEndpoints.Map(api);
        AccessEndpoints.Map(api);
        RunEndpoints.Map(api);
        RunRecordEndpoints.Map(api);
        LifecycleEndpoints.Map(api);
        WorkspaceDataEndpoints.Map(api);
        ArtifactEndpoints.Map(api);
        DatasetEndpoints.Map(api);
        ModelEndpoints.Map(api);
        ImageEndpoints.Map(api);
        ComputeEndpoints.Map(api);
        EndpointRecordEndpoints.Map(api);
        MlPipelines.Mlflow.MlflowApi.Map(app.MapGroup("/workspaces/{workspace}"), new(c => workspaces.Open((string)c.Request.RouteValues["workspace"]!), (e, action) => e.Requires(action, ScopeSource.Workspace), (c, action) => store.Access.Check(c.Caller().Principal.Id, RequiresActionExtensions.ScopeOf(c, ScopeSource.Workspace), action) is { Allowed: false } d ? $"'{c.Caller().Principal.Name}' {d.Message}" : null,
            (c, runId) => c.Caller().RunScope is { } scope && scope.RunId != runId ? $"'{c.Caller().Principal.Name}': the token is scoped to run '{scope.RunId}' and may touch only that run" : null,
            c => c.Caller().Principal.Name));
        return app;
    }

    /// <summary>The API's JSON conventions: camelCase, enums as strings, NaN/Infinity allowed, unknown fields refused.</summary>
    public static void Configure(JsonSerializerOptions o)
    {
        MlPipelines.Workspace.Remote.Http.WireJson.Configure(o);
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _workspaces.Dispose();
        _store.Dispose();
        Certificate?.Dispose();
    }
}
