using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Server.Hosting;
using MlPipelines.Workspace.Remote.Http;
using A = MlPipelines.Server.Authorization.ActionCatalog;

namespace MlPipelines.Server.Api;

/// <summary>What a run records: params, tags, metrics, logs, outputs, tables, images and dataset inputs.</summary>
internal static class RunRecordEndpoints
{
    private const int MaxValues = 1000;
    private const int MaxLogLines = 10_000;

    public static void Map(IEndpointRouteBuilder api)
    {
        var run = api.MapGroup("/workspaces/{workspace}/runs/{runId}");
        run.MapPost("/params", (string workspace, string runId, ValuesRequest body, HostedWorkspaces hosted) =>
                RunEndpoints.Update(hosted, workspace, runId, r => r.LogParams(runId, Values("values", body.Values))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Log params (a param once set keeps its value)");
        run.MapPost("/tags", (string workspace, string runId, ValuesRequest body, HostedWorkspaces hosted) =>
                RunEndpoints.Update(hosted, workspace, runId, r => r.SetTags(runId, Values("values", body.Values))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Set tags");
        run.MapDelete("/tags/{key}", (string workspace, string runId, string key, HostedWorkspaces hosted) =>
                RunEndpoints.Update(hosted, workspace, runId, r => r.DeleteTag(runId, Uri.UnescapeDataString(key))))  // routing leaves %2F encoded; keys hold no '%'
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Delete a tag (404 naming the run's tags when it has none of that name)");
        run.MapPost("/metrics", (string workspace, string runId, MetricBatchRequest body, HostedWorkspaces hosted, ServerOptions options, TimeProvider time) =>
            {
                if ((body.Points is null) == (body.Columns is null)) throw MlpException.Invalid("Send exactly one of 'points' (rows) or 'columns'.");
                if (body.Count > options.MaxPointsPerBatch) throw BatchTooLarge(body.Count, options.MaxPointsPerBatch);
                var now = time.GetUtcNow();
                var points = body.Columns?.ToPoints() ?? body.Points!.Select(p => new MetricPoint(p.Name, p.Value, p.Step, p.Timestamp ?? now)).ToList();
                // A Metrics Writer logs to existing runs only: the store refuses an unknown run with NotFound (404).
                hosted.Open(workspace).Runs.LogMetrics(runId, points);
                return new MetricBatchResult(runId, points.Count);
            })
            .Requires(A.MetricsWrite, ScopeSource.Workspace).WithSummary("Log a batch of metric points to an existing run");
        run.MapGet("/metrics", (string workspace, string runId, string? name, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetMetrics(runId, name))
            .Requires(A.MetricsRead, ScopeSource.Workspace).WithSummary("Metric history of a run (one metric with ?name=)");
        run.MapPost("/logs", (string workspace, string runId, LogBatch body, HostedWorkspaces hosted) =>
                RunEndpoints.Update(hosted, workspace, runId, r => r.AppendLogs(runId, Limits.Count("lines", body.Lines, MaxLogLines))))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Append log lines (a repeated sequence number is ignored, so retries are safe)");
        run.MapGet("/logs", (string workspace, string runId, long? after, int? max, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetLogs(runId, after ?? -1, Math.Clamp(max ?? MaxLogLines, 1, MaxLogLines)))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("Log lines after a sequence number (pages of at most 10,000)");
        run.MapPost("/outputs", (string workspace, string runId, RunOutput body, HostedWorkspaces hosted) =>
            {
                var output = body with { Path = ArtifactPaths.Normalize("output", body.Path) };
                RequireBlob(hosted, workspace, body.Hash);
                return RunEndpoints.Update(hosted, workspace, runId, r => r.AddOutput(runId, output));
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Record an output file (its blob uploaded first)");
        run.MapGet("/outputs", (string workspace, string runId, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.GetOutputs(runId))
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("The run's output files");
        run.MapDelete("/outputs", (string workspace, string runId, string? path, HostedWorkspaces hosted) =>
                new DeletedOutputs(hosted.Open(workspace).Runs.DeleteOutputs(runId, path)))
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Remove the output at ?path= (or every output under that folder; all outputs without it); answers how many were removed");
        run.MapPost("/tables", (string workspace, string runId, RunTable body, HostedWorkspaces hosted) =>
            {
                Names.Validate("table", body.Name);
                return RunEndpoints.Update(hosted, workspace, runId, r => r.AddTable(runId, body));
            })
            .Requires(A.MetricsWrite, ScopeSource.Workspace).WithSummary("Log a table (rows as JSON)");
        run.MapGet("/tables", (string workspace, string runId, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.GetTables(runId))
            .Requires(A.MetricsRead, ScopeSource.Workspace).WithSummary("The run's tables");
        run.MapPost("/images", (string workspace, string runId, RunImage body, HostedWorkspaces hosted) =>
            {
                var image = body with { Path = ArtifactPaths.Normalize("image", body.Path) };
                RequireBlob(hosted, workspace, body.Hash);
                return RunEndpoints.Update(hosted, workspace, runId, r => r.AddImage(runId, image));
            })
            .Requires(A.MetricsWrite, ScopeSource.Workspace).WithSummary("Log an image (its blob uploaded first)");
        run.MapGet("/images", (string workspace, string runId, HostedWorkspaces hosted) => hosted.Open(workspace).Runs.GetImages(runId))
            .Requires(A.MetricsRead, ScopeSource.Workspace).WithSummary("The run's images");
        run.MapPost("/datasetInputs", (string workspace, string runId, DatasetInput body, HostedWorkspaces hosted) =>
            {
                var ws = hosted.Open(workspace);
                ws.Datasets.Get(body.Dataset, body.Version); // 404 naming the dataset when it does not exist
                return RunEndpoints.Update(hosted, workspace, runId, r => r.AddDatasetInput(runId, body.Dataset, body.Version));
            })
            .Requires(A.RunsWrite, ScopeSource.Workspace).WithSummary("Record a dataset version the run read (lineage)");
        run.MapGet("/datasetInputs", (string workspace, string runId, HostedWorkspaces hosted) =>
                hosted.Open(workspace).Runs.GetDatasetInputs(runId).Select(d => new DatasetInput(d.Dataset, d.Version)).ToList())
            .Requires(A.RunsRead, ScopeSource.Workspace).WithSummary("The dataset versions the run read");
    }

    internal static MlpException BatchTooLarge(int count, int limit) =>
        MlpException.Invalid($"'points' has {count} points; the limit is {limit} per batch (MaxPointsPerBatch). Send several batches.");

    internal static IReadOnlyDictionary<string, string> Values(string field, IReadOnlyDictionary<string, string>? values)
    {
        if (values is null) throw MlpException.Invalid($"'{field}' is missing.");
        if (values.Count > MaxValues) throw MlpException.Invalid($"'{field}' has {values.Count} entries; the limit is {MaxValues} per request.");
        foreach (var (k, v) in values)
        {
            if (k.Length > Names.MaxLength * 2) throw MlpException.Invalid($"'{field}' key '{k[..40]}…' has {k.Length} characters; the limit is {Names.MaxLength * 2}.");
            Limits.Text($"{field}.{k}", v, 64 * 1024);
        }
        return values;
    }

    private static void RequireBlob(HostedWorkspaces hosted, string workspace, string hash)
    {
        if (!hosted.Open(workspace).Artifacts.Exists(Limits.Hash("hash", hash)))
            throw MlpException.Invalid($"'hash': no blob '{hash}' in workspace '{workspace}'; upload it first (PUT …/blobs/{{hash}}).");
    }
}
