using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Mlflow.Protocol;
using A = MlPipelines.Mlflow.MlflowActions;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>
/// Maps MLflow's artifacts proxy (<c>mlflow_artifacts.proto</c>) under the workspace route group, at
/// <c>api/2.0/mlflow-artifacts/…</c> and again at <c>ajax-api/2.0/mlflow-artifacts/…</c>. A proxy path
/// <c>EXPERIMENT_ID/RUN_ID/artifacts/PATH</c> is run RUN_ID's output PATH, so what MLflow logs is what
/// <c>mlp run show</c> lists, and outputs written by steps or <c>##mlp</c> lines download through MLflow clients.
/// </summary>
public static class MlflowArtifactsApi
{
    /// <summary>The proxy's paths (under <c>api/2.0/mlflow-artifacts/</c>), with the action each endpoint declares.</summary>
    public static IReadOnlyList<(string Method, string Path, string Action)> Calls { get; } =
    [
        ("GET", "artifacts/{**path}", A.RunsRead),
        ("PUT", "artifacts/{**path}", A.RunsWrite),
        ("DELETE", "artifacts/{**path}", A.RunsWrite),
        ("GET", "artifacts", A.RunsRead),
        ("POST", "mpu/create/{**path}", A.RunsWrite),
        ("POST", "mpu/complete/{**path}", A.RunsWrite),
        ("POST", "mpu/abort/{**path}", A.RunsWrite),
    ];

    private static readonly Dictionary<string, Func<ArtifactCall, Task<IResult>>> Handlers = new()
    {
        ["GET artifacts/{**path}"] = c => Task.FromResult(ProxyCalls.Download(c, PathOf(c))),
        ["PUT artifacts/{**path}"] = c => ProxyCalls.Upload(c, PathOf(c)),
        ["DELETE artifacts/{**path}"] = c => Task.FromResult(ProxyCalls.Delete(c, PathOf(c))),
        ["GET artifacts"] = c => Task.FromResult(ProxyCalls.List(c)),
        ["POST mpu/create/{**path}"] = c => MultipartCalls.Create(c, PathOf(c)),
        ["POST mpu/complete/{**path}"] = c => MultipartCalls.Complete(c, PathOf(c)),
        ["POST mpu/abort/{**path}"] = c => MultipartCalls.Abort(c, PathOf(c)),
    };

    /// <summary>Maps every call (twice: <c>api</c> and <c>ajax-api</c>) and an ENDPOINT_NOT_FOUND answer for other proxy paths.</summary>
    public static void Map(IEndpointRouteBuilder workspaceGroup, MlflowHosting hosting)
    {
        foreach (var prefix in new[] { "/api/2.0/mlflow-artifacts/", "/ajax-api/2.0/mlflow-artifacts/" })
        {
            foreach (var (method, path, action) in Calls)
            {
                var handler = Handlers[$"{method} {path}"];
                var endpoint = workspaceGroup.MapMethods(prefix + path, [method], (Func<HttpContext, Task<IResult>>)(c => Invoke(c, hosting, handler)));
                // Every call names its run in the path, which the handler checks against a run-scoped token's run.
                endpoint = hosting.Declare(endpoint, action).WithSummary($"MLflow artifacts {method} {path}").WithTags("MLflow").WithMetadata(new MlflowRunInBody());
                if (!prefix.StartsWith("/api/", StringComparison.Ordinal)) endpoint.ExcludeFromDescription();
            }
            // A part's URL (from mpu/create) carries its own authorisation, as a cloud store's presigned URL does: MLflow
            // clients PUT parts without their bearer token. The host lets it through unauthenticated (MlflowPresignedUrl).
            workspaceGroup.MapMethods(prefix + MultipartCalls.PartRoute, ["PUT"], (Func<HttpContext, Task<IResult>>)(c => Invoke(c, hosting, MultipartCalls.PutPart)))
                .WithMetadata(new MlflowPresignedUrl()).ExcludeFromDescription();
            hosting.Declare(workspaceGroup.MapMethods(prefix + "{**rest}", ["GET", "POST", "PATCH", "DELETE", "PUT"], (Func<HttpContext, IResult>)NotFound), A.WorkspaceRead)
                .ExcludeFromDescription();
        }
    }

    private static string? PathOf(ArtifactCall call) => call.Http.Request.RouteValues["path"] as string;

    private static async Task<IResult> Invoke(HttpContext context, MlflowHosting hosting, Func<ArtifactCall, Task<IResult>> handler)
    {
        try { return await handler(new ArtifactCall(context, hosting.Workspace(context), hosting)); }
        catch (MlflowException e) { return MlflowJsonResult.Error(e); }
        catch (MlpException e) { return MlflowJsonResult.Error(MlflowException.From(e)); }
    }

    private static IResult NotFound(HttpContext context) => MlflowJsonResult.Error(new MlflowException(MlflowErrorCode.EndpointNotFound,
        $"MLflow artifacts endpoint '{context.Request.Method} {context.Request.Path}' is not implemented by this MlPipelines server; implemented: "
        + string.Join(", ", Calls.Select(c => $"{c.Method} {c.Path}")) + $", PUT {MultipartCalls.PartRoute} (the part URLs mpu/create answers)."));
}
