using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Server.Api;
using MlPipelines.Server.Identity;
using MlPipelines.Workspace;

namespace MlPipelines.Server.Hosting;

/// <summary>
/// The MLflow REST API of one embedded workspace (a <c>.mlp/</c> folder) at the root of an HTTPS address, so
/// <c>MLFLOW_TRACKING_URI=https://127.0.0.1:PORT</c>: <c>mlp server --workspace</c>, and the runner for the duration of a
/// pipeline run or <c>mlp run submit</c>. TLS with the development certificate kept in the workspace's scratch folder;
/// every request needs a bearer token — the owner token made at start, or a token scoped to one run (see
/// <see cref="RunScope"/>: it may read the workspace and write only its run).
/// </summary>
public sealed class EmbeddedMlflowHost : IAsyncDisposable
{
    /// <summary>The workspace name run scopes carry here (an embedded host serves exactly one workspace).</summary>
    public const string WorkspaceName = "embedded";

    private readonly WebApplication _app;
    private readonly LocalWorkspace _workspace;
    private readonly EmbeddedTokens _tokens;

    private EmbeddedMlflowHost(WebApplication app, LocalWorkspace workspace, EmbeddedTokens tokens, string url, string caCertPath, string ownerToken)
    {
        _app = app; _workspace = workspace; _tokens = tokens;
        Url = url; CaCertPath = caCertPath; OwnerToken = ownerToken;
    }

    /// <summary>The tracking URI, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public string Url { get; }
    /// <summary>The PEM certificate clients trust (<c>MLFLOW_TRACKING_SERVER_CERT_PATH</c>).</summary>
    public string CaCertPath { get; }
    /// <summary>The owner token of this start (held in memory only as a hash; the starter shows it once).</summary>
    public string OwnerToken { get; }
    /// <summary>The workspace's <c>.mlp</c> folder.</summary>
    public string WorkspaceLocation => _workspace.Info.Location;

    /// <summary>A token for a process of run <paramref name="runId"/>: it may read the workspace and write that run only, until the host stops.</summary>
    public string IssueRunToken(string runId) => _tokens.IssueForRun(runId);

    /// <summary>Opens the workspace at <paramref name="workspace"/> (its <c>.mlp</c> folder or the folder holding it) and starts listening on <paramref name="listen"/>.</summary>
    public static async Task<EmbeddedMlflowHost> StartAsync(string workspace, IPEndPoint listen, CancellationToken ct = default)
    {
        var ws = LocalWorkspace.Open(workspace);
        try
        {
            var certFolder = Path.Combine(ws.ScratchDirectory, "mlflow");
            var cert = DevCertificate.LoadOrCreate(certFolder);
            var tokens = new EmbeddedTokens(out var owner);
            var app = Build(ws, tokens, listen, cert);
            await app.StartAsync(ct);
            return new EmbeddedMlflowHost(app, ws, tokens, app.Urls.First(), Path.Combine(certFolder, DevCertificate.CertFile), owner);
        }
        catch
        {
            ws.Dispose();
            throw;
        }
    }

    private static WebApplication Build(IWorkspace workspace, EmbeddedTokens tokens, IPEndPoint listen, X509Certificate2 cert)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = workspace.ScratchDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
            k.Listen(listen, l => l.UseHttps(https => { https.ServerCertificate = cert; https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13; }));
        });
        var app = builder.Build();
        app.UseRouting();
        app.Use((context, next) => Authorize(context, next, tokens));
        MlflowApi.Map(app, new MlflowHosting(
            _ => workspace,
            (endpoint, action) => endpoint.Requires(action, ScopeSource.Workspace),
            (context, action) => ScopeOf(context) is { } scope && !RunScope.Actions.Contains(action)
                ? $"the token is scoped to run '{scope.RunId}' and cannot use action '{action}'" : null,
            (context, runId) => ScopeOf(context) is { } scope && scope.RunId != runId
                ? $"the token is scoped to run '{scope.RunId}' and may touch only that run" : null));
        return app;
    }

    private static RunScope? ScopeOf(HttpContext context) => context.Items[typeof(RunScope)] as RunScope;

    // Every request needs a token; a run-scoped one is held to its run the way the server holds it (RunScope.Refusal).
    private static async Task Authorize(HttpContext context, RequestDelegate next, EmbeddedTokens tokens)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<MlflowPresignedUrl>() is not null)
        {
            await next(context); // a multipart part URL: the handler checks the token it carries
            return;
        }
        var header = context.Request.Headers.Authorization;
        var token = header.Count == 1 && header[0]!.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[0]!["Bearer ".Length..].Trim() : null;
        if (!tokens.TryAuthenticate(token, out var runId))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Refuse(context, MlflowErrorCode.Unauthenticated, header.Count == 0
                ? "Authentication required: send 'Authorization: Bearer <token>' with the token this workspace's MLflow host printed at start (MLFLOW_TRACKING_TOKEN)."
                : "Authentication required: the bearer token is not one this MLflow host issued (tokens last only as long as the host runs).");
            return;
        }
        var endpoint = context.GetEndpoint();
        if (endpoint is not null && runId is not null)
        {
            var scope = new RunScope(WorkspaceName, runId);
            context.Items[typeof(RunScope)] = scope;
            var action = endpoint.Metadata.GetMetadata<RequiresAction>()?.Action;
            if (action is null) { await Refuse(context, MlflowErrorCode.InternalError, $"Endpoint '{endpoint.DisplayName}' declares no action; refusing it."); return; }
            if (scope.Refusal(action, WorkspaceName, context.Request.RouteValues["runId"] as string, endpoint.Metadata.GetMetadata<MlflowRunInBody>() is not null) is { } outside)
            {
                await Refuse(context, MlflowErrorCode.PermissionDenied, $"Permission denied: {outside}.");
                return;
            }
        }
        await next(context);
    }

    private static Task Refuse(HttpContext context, string code, string message) =>
        MlflowJsonResult.Error(new MlflowException(code, message)).ExecuteAsync(context);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _workspace.Dispose();
    }
}
