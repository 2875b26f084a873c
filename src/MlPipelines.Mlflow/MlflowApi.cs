using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Artifacts;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Registry;
using MlPipelines.Mlflow.Tracking;
using A = MlPipelines.Mlflow.MlflowActions;

namespace MlPipelines.Mlflow;

/// <summary>
/// Maps MLflow's REST API (tracking and model registry) under a route group that addresses one workspace, e.g.
/// <c>/workspaces/{workspace}</c>: each call under <c>api/2.0/mlflow/…</c> and again under <c>ajax-api/2.0/mlflow/…</c>,
/// so <c>MLFLOW_TRACKING_URI=https://host:port/workspaces/team</c> works with MLflow clients. Every endpoint declares
/// its action through <see cref="MlflowHosting.Declare"/>; errors are MLflow's <c>{"error_code", "message"}</c>.
/// </summary>
public static class MlflowApi
{
    /// <summary>The MLflow paths served, with the action each needs (also listed in the answer for other MLflow paths).</summary>
    public static IReadOnlyList<(string Method, string Path, string Action)> Calls { get; } =
    [
        ("POST", "experiments/create", A.RunsWrite),
        ("GET", "experiments/get", A.RunsRead),
        ("GET", "experiments/get-by-name", A.RunsRead),
        ("POST", "experiments/search", A.RunsRead),
        ("GET", "experiments/search", A.RunsRead),
        ("POST", "experiments/update", A.RunsWrite),
        ("POST", "experiments/delete", A.RunsWrite),
        ("POST", "experiments/restore", A.RunsWrite),
        ("POST", "experiments/set-experiment-tag", A.RunsWrite),
        ("POST", "experiments/delete-experiment-tag", A.RunsWrite),
        ("POST", "runs/create", A.RunsWrite),
        ("GET", "runs/get", A.RunsRead),
        ("POST", "runs/update", A.RunsWrite),
        ("POST", "runs/search", A.RunsRead),
        ("POST", "runs/delete", A.RunsWrite),
        ("POST", "runs/restore", A.RunsWrite),
        ("POST", "runs/log-inputs", A.RunsWrite),
        ("POST", "runs/log-metric", A.MetricsWrite),
        ("POST", "runs/log-parameter", A.RunsWrite),
        ("POST", "runs/set-tag", A.RunsWrite),
        ("POST", "runs/delete-tag", A.RunsWrite),
        ("POST", "runs/log-batch", A.MetricsWrite),
        ("GET", "metrics/get-history", A.MetricsRead),
        // Model registry
        ("POST", "registered-models/create", A.ModelsWrite),
        ("GET", "registered-models/get", A.ModelsRead),
        ("GET", "registered-models/search", A.ModelsRead),
        ("PATCH", "registered-models/update", A.ModelsWrite),
        ("POST", "registered-models/rename", A.ModelsWrite),
        ("DELETE", "registered-models/delete", A.ModelsDelete),
        ("POST", "registered-models/set-tag", A.ModelsWrite),
        ("DELETE", "registered-models/delete-tag", A.ModelsWrite),
        ("POST", "registered-models/get-latest-versions", A.ModelsRead),
        ("GET", "registered-models/get-latest-versions", A.ModelsRead),
        ("POST", "registered-models/alias", A.ModelsWrite),
        ("DELETE", "registered-models/alias", A.ModelsWrite),
        ("GET", "registered-models/alias", A.ModelsRead),
        ("POST", "model-versions/create", A.ModelsWrite),
        ("GET", "model-versions/get", A.ModelsRead),
        ("GET", "model-versions/search", A.ModelsRead),
        ("PATCH", "model-versions/update", A.ModelsWrite),
        ("DELETE", "model-versions/delete", A.ModelsDelete),
        ("POST", "model-versions/set-tag", A.ModelsWrite),
        ("DELETE", "model-versions/delete-tag", A.ModelsWrite),
        ("GET", "model-versions/get-download-uri", A.ModelsRead),
        // Artifacts (the proxy itself is MlflowArtifactsApi, under mlflow-artifacts/).
        ("GET", "artifacts/list", A.RunsRead),
        ("GET", "metrics/get-history-bulk-interval", A.MetricsRead),
    ];

    // The calls whose handler reads run_id first: a run-scoped token may use them for its own run.
    private static readonly HashSet<string> RunInBody = ["runs/get", "runs/update", "runs/log-metric", "runs/log-parameter", "runs/set-tag", "runs/delete-tag", "runs/log-batch", "runs/log-inputs", "metrics/get-history",
        "artifacts/list", "metrics/get-history-bulk-interval"];

    // The calls that read their body in one pass of their own (no parsed document).
    private static readonly HashSet<string> RawBody = ["runs/log-batch"];

    private static readonly Dictionary<string, Func<MlflowRequest, IWorkspace, IResult>> Handlers = new()
    {
        ["POST experiments/create"] = ExperimentCalls.Create,
        ["GET experiments/get"] = ExperimentCalls.Get,
        ["GET experiments/get-by-name"] = ExperimentCalls.GetByName,
        ["POST experiments/search"] = ExperimentCalls.Search,
        ["GET experiments/search"] = ExperimentCalls.Search,
        ["POST experiments/update"] = ExperimentLifecycleCalls.Update,
        ["POST experiments/delete"] = ExperimentLifecycleCalls.Delete,
        ["POST experiments/restore"] = ExperimentLifecycleCalls.Restore,
        ["POST experiments/set-experiment-tag"] = ExperimentLifecycleCalls.SetTag,
        ["POST experiments/delete-experiment-tag"] = ExperimentLifecycleCalls.DeleteTag,
        ["POST runs/create"] = RunCalls.Create,
        ["GET runs/get"] = RunCalls.Get,
        ["POST runs/update"] = RunCalls.Update,
        ["POST runs/search"] = RunCalls.Search,
        ["POST runs/delete"] = RunCalls.Delete,
        ["POST runs/restore"] = RunCalls.Restore,
        ["POST runs/log-inputs"] = InputCalls.LogInputs,
        ["POST runs/log-metric"] = LoggingCalls.LogMetric,
        ["POST runs/log-parameter"] = LoggingCalls.LogParameter,
        ["POST runs/set-tag"] = LoggingCalls.SetTag,
        ["POST runs/delete-tag"] = LoggingCalls.DeleteTag,
        ["POST runs/log-batch"] = LoggingCalls.LogBatch,
        ["GET metrics/get-history"] = MetricHistoryCalls.GetHistory,
        ["POST registered-models/create"] = RegisteredModelCalls.Create,
        ["GET registered-models/get"] = RegisteredModelCalls.Get,
        ["GET registered-models/search"] = RegisteredModelCalls.Search,
        ["PATCH registered-models/update"] = RegisteredModelCalls.Update,
        ["POST registered-models/rename"] = RegisteredModelCalls.Rename,
        ["DELETE registered-models/delete"] = RegisteredModelCalls.Delete,
        ["POST registered-models/set-tag"] = RegisteredModelCalls.SetTag,
        ["DELETE registered-models/delete-tag"] = RegisteredModelCalls.DeleteTag,
        ["POST registered-models/get-latest-versions"] = RegisteredModelCalls.GetLatestVersions,
        ["GET registered-models/get-latest-versions"] = RegisteredModelCalls.GetLatestVersions,
        ["POST registered-models/alias"] = AliasCalls.Set,
        ["DELETE registered-models/alias"] = AliasCalls.Delete,
        ["GET registered-models/alias"] = AliasCalls.Get,
        ["POST model-versions/create"] = ModelVersionCalls.Create,
        ["GET model-versions/get"] = ModelVersionCalls.Get,
        ["GET model-versions/search"] = ModelVersionCalls.Search,
        ["PATCH model-versions/update"] = ModelVersionCalls.Update,
        ["DELETE model-versions/delete"] = ModelVersionCalls.Delete,
        ["POST model-versions/set-tag"] = ModelVersionCalls.SetTag,
        ["DELETE model-versions/delete-tag"] = ModelVersionCalls.DeleteTag,
        ["GET model-versions/get-download-uri"] = ModelVersionCalls.GetDownloadUri,
        // Artifacts
        ["GET artifacts/list"] = RunArtifactListCall.List,
        ["GET metrics/get-history-bulk-interval"] = MetricHistoryCalls.GetHistoryBulkInterval,
    };

    /// <summary>Maps every call (twice: <c>api</c> and <c>ajax-api</c>) and an ENDPOINT_NOT_FOUND answer for other MLflow paths.</summary>
    public static void Map(IEndpointRouteBuilder workspaceGroup, MlflowHosting hosting)
    {
        foreach (var prefix in new[] { "/api/2.0/mlflow/", "/ajax-api/2.0/mlflow/" })
        {
            var documented = prefix.StartsWith("/api/", StringComparison.Ordinal);
            foreach (var (method, path, action) in Calls)
            {
                var handler = Handlers[$"{method} {path}"];
                var parse = !RawBody.Contains(path);
                var endpoint = workspaceGroup.MapMethods(prefix + path, [method], (Func<HttpContext, Task<IResult>>)(c => Invoke(c, hosting, handler, parse)));
                endpoint = hosting.Declare(endpoint, action).WithSummary($"MLflow {method} {path}").WithTags("MLflow");
                if (RunInBody.Contains(path)) endpoint.WithMetadata(new MlflowRunInBody());
                if (!documented) endpoint.ExcludeFromDescription();
            }
            hosting.Declare(workspaceGroup.MapMethods(prefix + "{**rest}", ["GET", "POST", "PATCH", "DELETE", "PUT"], (Func<HttpContext, IResult>)NotFound), A.WorkspaceRead)
                .ExcludeFromDescription();
        }
        MlflowArtifactsApi.Map(workspaceGroup, hosting);
    }

    private static async Task<IResult> Invoke(HttpContext context, MlflowHosting hosting, Func<MlflowRequest, IWorkspace, IResult> handler, bool parseBody)
    {
        MlflowJsonResult.MarkStart(context);
        try
        {
            var workspace = hosting.Workspace(context);
            var request = await MlflowRequest.ReadAsync(context, parseBody);
            request.Denial = action => hosting.Denial(context, action);
            request.RunDenial = runId => hosting.RunDenial(context, runId);
            if (hosting.Caller?.Invoke(context) is { Length: > 0 } caller) request.Caller = caller;
            return handler(request, workspace);
        }
        catch (MlflowException e) { return MlflowJsonResult.Error(e); }
        catch (MlpException e) { return MlflowJsonResult.Error(MlflowException.From(e)); }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return MlflowJsonResult.Error(MlflowException.Invalid($"The request body is larger than this server accepts: {e.Message}"));
        }
    }

    private static IResult NotFound(HttpContext context) => MlflowJsonResult.Error(new MlflowException(MlflowErrorCode.EndpointNotFound,
        $"MLflow endpoint '{context.Request.Method} {context.Request.Path}' is not implemented by this MlPipelines server; implemented: "
        + string.Join(", ", Calls.Select(c => $"{c.Method} {c.Path}")) + "."));
}
