using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary>
/// <c>metrics/get-history</c>: every point of one metric, ordered by step then time, in pages; and
/// <c>metrics/get-history-bulk-interval</c>: one metric of several runs, sampled to evenly spaced steps.
/// </summary>
public static class MetricHistoryCalls
{
    /// <summary>Points per page when <c>max_results</c> is not given (MLflow's limit).</summary>
    public const int DefaultMax = 25_000;

    /// <summary><c>?run_id=&amp;metric_key=&amp;max_results=&amp;page_token=</c> → <c>{metrics, next_page_token}</c>; an unknown metric has no points.</summary>
    public static IResult GetHistory(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var runId = request.RunId();
        var key = f.RequiredString("metric_key");
        var max = f.Long("max_results") ?? DefaultMax;
        if (max < 1 || max > DefaultMax)
            throw MlflowException.Invalid($"Invalid value {max} for parameter 'max_results' supplied. It must be at least 1 and at most {DefaultMax}.");
        var query = $"history|{runId}|{key}";
        var offset = PageToken.Read(f.String("page_token"), query);
        var points = workspace.Runs.GetMetrics(runId, key);
        var from = (int)Math.Min(offset, points.Count);
        var count = (int)Math.Min(max, points.Count - from);
        var next = from + count < points.Count ? PageToken.Create(from + count, query) : null;
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("metrics");
            for (var i = from; i < from + count; i++) MlflowWire.Metric(w, points[i]);
            w.WriteEndArray();
            MlflowWire.NextPage(w, next);
            w.WriteEndObject();
        });
    }

    /// <summary>Most runs in one get-history-bulk-interval call (MLflow's limit).</summary>
    public const int MaxBulkRuns = 100;
    /// <summary>Default and largest <c>max_results</c> (steps sampled) of get-history-bulk-interval (MLflow's).</summary>
    public const int MaxBulkSteps = 2500;
    /// <summary>Most points answered per run by get-history-bulk-interval (MLflow's).</summary>
    public const int MaxBulkPointsPerRun = 25_000;

    /// <summary>
    /// <c>?run_ids=…&amp;metric_key=&amp;start_step=&amp;end_step=&amp;max_results=</c> → <c>{metrics: [{key, value, timestamp,
    /// step, run_id}…]}</c>: for each run in the order given, its points at the steps <see cref="MetricSampling"/> picks,
    /// ordered by step then time. Checked in MLflow's order with its messages: run_ids (1 to 100), metric_key,
    /// max_results (1 to 2500), start and end step (both or neither, start ≤ end); an unknown run is RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    public static IResult GetHistoryBulkInterval(MlflowRequest request, IWorkspace workspace)
    {
        var f = request.Fields;
        var runIds = request.RunIds("run_ids");
        if (runIds.Count == 0) throw MlflowFields.Missing("run_ids");
        if (runIds.Count > MaxBulkRuns)
            throw MlflowException.Invalid($"GetMetricHistoryBulkInterval request must specify at most {MaxBulkRuns} run_ids. Received {runIds.Count} run_ids.");
        var key = f.RequiredString("metric_key");
        var start = f.Long("start_step");
        var end = f.Long("end_step");
        var max = f.Long("max_results") ?? MaxBulkSteps;
        if (max < 1 || max > MaxBulkSteps) throw MlflowException.Invalid($"max_results must be between 1 and {MaxBulkSteps}.");
        if (start is null != end is null) throw MlflowException.Invalid("If either start step or end step are specified, both must be specified.");
        if (start > end) throw MlflowException.Invalid($"end_step must be greater than start_step. Found start_step={start} and end_step={end}.");
        var histories = runIds.Select(id => (Run: id, Points: workspace.Runs.GetMetrics(id, key))).ToList();
        var steps = new HashSet<long>(MetricSampling.Steps(histories.Select(h => h.Points.Select(p => p.Step)), start, end, (int)max));
        return MlflowJsonResult.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("metrics");
            foreach (var (run, points) in histories)
            {
                var written = 0;
                foreach (var p in points) // already ordered by step, then time
                {
                    if (!steps.Contains(p.Step)) continue;
                    if (++written > MaxBulkPointsPerRun) break;
                    MlflowWire.Metric(w, p, run);
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
