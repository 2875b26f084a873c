using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;
using MlPipelines.Mlflow.Tracking;
using A = MlPipelines.Mlflow.MlflowActions;

namespace MlPipelines.Mlflow;

/// <summary>
/// Maps MLflow's REST API (tracking part) under a route group that addresses one workspace, e.g.
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
        ("POST", "runs/create", A.RunsWrite),
        ("GET", "runs/get", A.RunsRead),
        ("POST", "runs/update", A.RunsWrite),
        ("POST", "runs/search", A.RunsRead),
        ("POST", "runs/log-metric", A.MetricsWrite),
        ("POST", "runs/log-parameter", A.RunsWrite),
        ("POST", "runs/set-tag", A.RunsWrite),
        ("POST", "runs/delete-tag", A.RunsWrite),
        ("POST", "runs/log-batch", A.MetricsWrite),
        ("GET", "metrics/get-history", A.MetricsRead),
        ("GET", "metrics/get-history-bulk-interval", A.MetricsRead),
    ];

    // The calls whose handler reads run_id first: a run-scoped token may use them for its own run.
    private static readonly HashSet<string> RunInBody = ["runs/get", "runs/update", "runs/log-metric", "runs/log-parameter", "runs/set-tag", "runs/delete-tag", "runs/log-batch", "metrics/get-history", "metrics/get-history-bulk-interval"];

    private static readonly Dictionary<string, Func<MlflowRequest, IWorkspace, IResult>> Handlers = new()
    {
        ["POST experiments/create"] = ExperimentCalls.Create,
        ["GET experiments/get"] = ExperimentCalls.Get,
        ["GET experiments/get-by-name"] = ExperimentCalls.GetByName,
        ["POST experiments/search"] = ExperimentCalls.Search,
        ["GET experiments/search"] = ExperimentCalls.Search,
        ["POST runs/create"] = RunCalls.Create,
        ["GET runs/get"] = RunCalls.Get,
        ["POST runs/update"] = RunCalls.Update,
        ["POST runs/search"] = RunCalls.Search,
        ["POST runs/log-metric"] = LoggingCalls.LogMetric,
        ["POST runs/log-parameter"] = LoggingCalls.LogParameter,
        ["POST runs/set-tag"] = LoggingCalls.SetTag,
        ["POST runs/delete-tag"] = LoggingCalls.DeleteTag,
        ["POST runs/log-batch"] = LoggingCalls.LogBatch,
        ["GET metrics/get-history"] = MetricHistoryCalls.GetHistory,
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
                var endpoint = workspaceGroup.MapMethods(prefix + path, [method], (Func<HttpContext, Task<IResult>>)(c => Invoke(c, hosting, handler)));
                endpoint = hosting.Declare(endpoint, action).WithSummary($"MLflow {method} {path}").WithTags("MLflow");
                if (RunInBody.Contains(path)) endpoint.WithMetadata(new MlflowRunInBody());
                if (!documented) endpoint.ExcludeFromDescription();
            }
            hosting.Declare(workspaceGroup.MapMethods(prefix + "{**rest}", ["GET", "POST", "PATCH", "DELETE", "PUT"], (Func<HttpContext, IResult>)NotFound), A.WorkspaceRead)
                .ExcludeFromDescription();
        }
    }

    private static async Task<IResult> Invoke(HttpContext context, MlflowHosting hosting, Func<MlflowRequest, IWorkspace, IResult> handler)
    {
        MlflowJsonResult.MarkStart(context);
        try
        {
            var workspace = hosting.Workspace(context);
            var request = await MlflowRequest.ReadAsync(context);
            request.Denial = action => hosting.Denial(context, action);
            request.RunDenial = runId => hosting.RunDenial(context, runId);
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
