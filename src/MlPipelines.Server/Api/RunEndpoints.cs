using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Server.Hosting;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>The first slice of workspace data over <c>IWorkspace</c>: experiments, runs and metrics.</summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        var ws = api.MapGroup("/workspaces/{workspace}");
        ws.MapGet("/experiments", (string workspace, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.ListExperiments())
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Experiments with run counts");
        ws.MapGet("/runs", (string workspace, string? experiment, string? filter, string? orderBy, int? max, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.QueryRuns(new RunQuery { Experiment = experiment, Filter = filter, OrderBy = orderBy, Max = Math.Clamp(max ?? 100, 1, 10_000) }))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Search runs (run query language filter and order-by)");
        ws.MapGet("/runs/{runId}", (string workspace, string runId, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.GetRun(runId))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("One run");
        ws.MapPost("/runs", (string workspace, CreateRunRequest body, HostedWorkspaces hosted) =>
            {
                var run = hosted.Open(workspace).Runs.CreateRun(new NewRun(body.Experiment, body.DisplayName, body.ParentRunId, body.Kind)
                {
                    Params = body.Params ?? [], Tags = body.Tags ?? [], Status = body.Status,
                });
                return Results.Created($"/api/v1/workspaces/{workspace}/runs/{run.Id}", run);
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Create a run (and its experiment on first use)");
        ws.MapPost("/runs/{runId}/metrics", (string workspace, string runId, MetricBatchRequest body, HostedWorkspaces hosted, ServerOptions options, TimeProvider time) =>
            {
                if (body.Points.Count > options.MaxPointsPerBatch) throw BatchTooLarge(body.Points.Count, options.MaxPointsPerBatch);
                var now = time.GetUtcNow();
                var runs = hosted.Open(workspace).Runs;
                runs.GetRun(runId); // a Metrics Writer logs to existing runs only
                runs.LogMetrics(runId, body.Points.Select(p => new MetricPoint(p.Name, p.Value, p.Step, p.Timestamp ?? now)).ToList());
                return new MetricBatchResult(runId, body.Points.Count);
            })
            .Requires(A.MetricsWrite, ScopeSource.Workspace).WithSummary("Log a batch of metric points to an existing run");
        ws.MapGet("/runs/{runId}/metrics", (string workspace, string runId, string? name, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetMetrics(runId, name))
            .Requires(A.MetricsRead, ScopeSource.Workspace).WithSummary("Metric history of a run (one metric with ?name=)");
    }

    internal static MlpException BatchTooLarge(int count, int limit) =>
        MlpException.Invalid($"'points' has {count} points; the limit is {limit} per batch (MaxPointsPerBatch). Send several batches.");
}
