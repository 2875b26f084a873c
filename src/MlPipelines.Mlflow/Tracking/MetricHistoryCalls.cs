using Microsoft.AspNetCore.Http;
using MlPipelines.Core.Workspaces;
using MlPipelines.Mlflow.Protocol;

namespace MlPipelines.Mlflow.Tracking;

/// <summary><c>metrics/get-history</c>: every point of one metric, ordered by step then time, in pages.</summary>
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
}
