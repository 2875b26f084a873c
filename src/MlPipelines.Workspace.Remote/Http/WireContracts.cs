using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Remote.Http;

// The request and answer bodies of the workspace API that are not Core records themselves. The server binds the
// same types, so client and server cannot drift apart.

/// <summary>Body of <c>POST …/experiments</c>: a name and optional tags.</summary>
public sealed record CreateExperimentRequest(string Name, IReadOnlyDictionary<string, string>? Tags = null);

/// <summary>A new name (of an experiment or a run).</summary>
public sealed record RenameRequest(string NewName);

/// <summary>Dataset inputs described by the client, for one run.</summary>
public sealed record ExternalDatasetInputsRequest(IReadOnlyList<ExternalDatasetInput> Inputs);

/// <summary>Run ids whose described dataset inputs are wanted.</summary>
public sealed record RunIdsRequest(IReadOnlyList<string> RunIds);

/// <summary>A run status change.</summary>
public sealed record StatusRequest(RunStatus Status, string? Reason = null);

/// <summary>A string map (params, tags).</summary>
public sealed record ValuesRequest(IReadOnlyDictionary<string, string> Values);

/// <summary>A reference to another run.</summary>
public sealed record ReusedFromRequest(string OriginalRunId);

/// <summary>A snapshot blob.</summary>
public sealed record SnapshotRequest(string Hash);

/// <summary>Where a run's process runs.</summary>
public sealed record ProcessInfo(int ProcessId, string Host);

/// <summary>One metric point; <paramref name="Timestamp"/> defaults to the server's clock.</summary>
public sealed record MetricPointRequest(string Name, double Value, long Step = 0, DateTimeOffset? Timestamp = null);

/// <summary>
/// A batch of metric points (at most the server's MaxPointsPerBatch), as rows (<paramref name="Points"/>, easy to write
/// by hand) or as columns (<paramref name="Columns"/>, what the native client sends: about a third of the bytes and
/// several times faster to parse). Exactly one of the two.
/// </summary>
public sealed record MetricBatchRequest(IReadOnlyList<MetricPointRequest>? Points = null, MetricColumns? Columns = null)
{
    /// <summary>How many points the batch holds.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Count => Points?.Count ?? Columns?.Value.Length ?? 0;
}

/// <summary>
/// Metric points column by column: point <c>i</c> is metric <c>Names[Name[i]]</c> with <c>Value[i]</c> at <c>Step[i]</c>
/// and <c>Time[i]</c> (Unix milliseconds, UTC).
/// </summary>
public sealed record MetricColumns(IReadOnlyList<string> Names, int[] Name, double[] Value, long[] Step, long[] Time)
{
    /// <summary>The columns of <paramref name="points"/>.</summary>
    public static MetricColumns Of(IReadOnlyList<MetricPoint> points)
    {
        var names = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var (name, value, step, time) = (new int[points.Count], new double[points.Count], new long[points.Count], new long[points.Count]);
        for (var i = 0; i < points.Count; i++)
        {
            var p = points[i];
            if (!index.TryGetValue(p.Name, out var n)) { n = names.Count; names.Add(p.Name); index[p.Name] = n; }
            (name[i], value[i], step[i], time[i]) = (n, p.Value, p.Step, p.Timestamp.ToUnixTimeMilliseconds());
        }
        return new MetricColumns(names, name, value, step, time);
    }

    /// <summary>The points, checking that the columns agree (a 400 names the column that does not).</summary>
    public IReadOnlyList<MetricPoint> ToPoints()
    {
        var n = Value.Length;
        foreach (var (column, length) in new[] { ("name", Name.Length), ("step", Step.Length), ("time", Time.Length) })
            if (length != n) throw Core.Errors.MlpException.Invalid($"'columns.{column}' has {length} entries but 'columns.value' has {n}; every column needs one entry per point.");
        var points = new MetricPoint[n];
        for (var i = 0; i < n; i++)
        {
            if ((uint)Name[i] >= (uint)Names.Count) throw Core.Errors.MlpException.Invalid($"'columns.name[{i}]' is {Name[i]}; expected an index into 'columns.names' (0–{Names.Count - 1}).");
            points[i] = new MetricPoint(Names[Name[i]], Value[i], Step[i], DateTimeOffset.FromUnixTimeMilliseconds(Time[i]));
        }
        return points;
    }
}

/// <summary>How many metric points were stored.</summary>
public sealed record MetricBatchResult(string RunId, int Accepted);

/// <summary>A batch of log lines (sequence numbers are the client's; a repeated sequence is ignored).</summary>
public sealed record LogBatch(IReadOnlyList<LogLine> Lines);

/// <summary>Answer of <c>DELETE …/runs/{id}/outputs?path=</c>: how many outputs were removed.</summary>
public sealed record DeletedOutputs(int Deleted);

/// <summary>A dataset a run read.</summary>
public sealed record DatasetInput(string Dataset, int Version);

/// <summary>A workspace setting.</summary>
public sealed record SettingRequest(string Value);

/// <summary>What <c>GET /api/v1/workspaces/NAME</c> says about a workspace's store.</summary>
public sealed record WorkspaceDescription(string Name, string Kind, int SchemaVersion);

/// <summary>How long a run-scoped token lives (default 72 hours, at most 720); it is revoked when the run ends.</summary>
public sealed record RunTokenRequest(int? Hours = null);

/// <summary>A run-scoped token: shown once.</summary>
public sealed record RunTokenResult(string Secret, string TokenId, DateTimeOffset ExpiresAt);
