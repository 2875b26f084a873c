using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Mlflow;

/// <summary>
/// What the host gives the MLflow API: the workspace a request addresses, and how an endpoint declares the action it
/// needs. The API knows neither the server's access checks nor its workspace catalogue; the server passes both in.
/// </summary>
/// <param name="Workspace">The open workspace of a request (e.g. from its <c>{workspace}</c> route value); throws NotFound for an unknown one.</param>
/// <param name="Declare">Declares on an endpoint the action (one of <see cref="MlflowActions"/>) that the host checks before the handler runs.</param>
/// <param name="Denial">Whether the caller of a request may do a further action: null when allowed, else the message naming the action
/// (for calls whose needs depend on their content, e.g. log-batch with params).</param>
/// <param name="RunDenial">Why the caller may not touch a run named in the body (a run-scoped token naming another run), or null.</param>
/// <param name="Caller">The caller's identity for records that name who did something (alias history, creators); null when the host has none.</param>
public sealed record MlflowHosting(
    Func<HttpContext, IWorkspace> Workspace,
    Func<RouteHandlerBuilder, string, RouteHandlerBuilder> Declare,
    Func<HttpContext, string, string?> Denial,
    Func<HttpContext, string, string?> RunDenial,
    Func<HttpContext, string?>? Caller = null)
{
    /// <summary>The largest artifact one upload (<c>PUT …/mlflow-artifacts/artifacts/…</c>) may carry: 5 GiB by default, S3's limit for one PUT.</summary>
    public long MaxArtifactBytes { get; init; } = 5L << 30;
}

/// <summary>
/// Endpoint metadata: an MLflow call that names its run in the body (<c>run_id</c>), not in the route. The server lets a
/// run-scoped token reach it and <see cref="MlflowHosting.RunDenial"/> checks the run when the handler reads it.
/// </summary>
public sealed record MlflowRunInBody;

/// <summary>
/// Endpoint metadata: a URL that carries its own authorisation (the part URLs of a multipart upload, which MLflow
/// clients call without their bearer token, as they would a cloud store's presigned URL). The host lets such a request
/// through without a token and without an action check; the handler checks the URL's token.
/// </summary>
public sealed record MlflowPresignedUrl;
