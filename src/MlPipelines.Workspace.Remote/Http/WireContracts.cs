using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Remote.Http;

// The request and answer bodies of the workspace API that are not Core records themselves. The server binds the
// same types, so client and server cannot drift apart.

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

/// <summary>A batch of metric points (at most the server's MaxPointsPerBatch).</summary>
public sealed record MetricBatchRequest(IReadOnlyList<MetricPointRequest> Points);

/// <summary>How many metric points were stored.</summary>
public sealed record MetricBatchResult(string RunId, int Accepted);

/// <summary>A batch of log lines (sequence numbers are the client's; a repeated sequence is ignored).</summary>
public sealed record LogBatch(IReadOnlyList<LogLine> Lines);

/// <summary>A dataset a run read.</summary>
public sealed record DatasetInput(string Dataset, int Version);

/// <summary>A workspace setting.</summary>
public sealed record SettingRequest(string Value);

/// <summary>What <c>GET /api/v1/workspaces/NAME</c> says about a workspace's store.</summary>
public sealed record WorkspaceDescription(string Name, string Kind, int SchemaVersion);
