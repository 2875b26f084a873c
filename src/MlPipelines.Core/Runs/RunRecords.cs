namespace MlPipelines.Core.Runs;

/// <summary>A named group of runs.</summary>
public sealed record Experiment(string Name, DateTimeOffset CreatedAt, int RunCount, DateTimeOffset? LastRunAt)
{
    /// <summary>The experiment's stable numeric id in its workspace (never reused, unchanged by anything else); 0 when unknown.</summary>
    public long Id { get; init; }
    /// <summary>When the experiment was soft-deleted (its runs then read as deleted too); null while it is active.</summary>
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>The experiment's tags (free-form key/value notes, e.g. MLflow's <c>mlflow.note.content</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>What is needed to create a run.</summary>
public sealed record NewRun(string Experiment, string? DisplayName = null, string? ParentRunId = null, string? Kind = null)
{
    /// <summary>Initial parameters.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();
    /// <summary>Initial tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Initial status (Queued by default; Running starts the clock and the heartbeat).</summary>
    public RunStatus Status { get; init; } = RunStatus.Queued;
}

/// <summary>A run as stored. <see cref="Status"/> is the effective status: a Running run without a recent heartbeat reads as Failed with reason 'lost'.</summary>
public sealed record RunInfo
{
    /// <summary>The id of this run info.</summary>
    public required string Id { get; init; }
    /// <summary>The experiment of this run info.</summary>
    public required string Experiment { get; init; }
    /// <summary>The display name of this run info.</summary>
    public required string DisplayName { get; init; }
    /// <summary>The status of this run info.</summary>
    public required RunStatus Status { get; init; }
    /// <summary>Why the run ended as it did ("exit code 3", "lost", "canceled by user", "reused", "upstream 'x' failed").</summary>
    public string? StatusReason { get; init; }
    /// <summary>"run", "pipeline", "step", … free-form kind.</summary>
    public string? Kind { get; init; }
    /// <summary>The parent run id of this run info.</summary>
    public string? ParentRunId { get; init; }
    /// <summary>The created at of this run info.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The started at of this run info.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>The ended at of this run info.</summary>
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>The heartbeat at of this run info.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }
    /// <summary>Duration between start and end (or now while running).</summary>
    public TimeSpan? Duration { get; init; }
    /// <summary>Id of the run whose results this run reused (step cache hit).</summary>
    public string? ReusedFrom { get; init; }
    /// <summary>Content hash of the source snapshot zip, if any.</summary>
    public string? SnapshotHash { get; init; }
    /// <summary>
    /// When the run, or else its experiment, was soft-deleted; null while both are active. A deleted run keeps all its
    /// records and can be read and restored, but run listings leave it out unless asked (<see cref="RunQuery.Lifecycle"/>)
    /// and the step cache does not reuse it.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; init; }
    /// <summary>The params of this run info.</summary>
    public IReadOnlyDictionary<string, string> Params { get; init; } = new Dictionary<string, string>();
    /// <summary>The tags of this run info.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
    /// <summary>Latest value of every metric.</summary>
    public IReadOnlyDictionary<string, double> LatestMetrics { get; init; } = new Dictionary<string, double>();
    /// <summary>Latest point of every metric (value, step and time), for clients that show when it was logged.</summary>
    public IReadOnlyDictionary<string, MetricPoint> LatestPoints { get; init; } = new Dictionary<string, MetricPoint>();
}

/// <summary>One metric point. Values may be NaN or ±Infinity.</summary>
public sealed record MetricPoint(string Name, double Value, long Step, DateTimeOffset Timestamp);

/// <summary>Which stream a log line came from.</summary>
public enum LogStream
{
    /// <summary>Standard output.</summary>
    Stdout,
    /// <summary>Standard error.</summary>
    Stderr,
    /// <summary>Lines written by MlPipelines itself (warnings about malformed ##mlp lines, retries…).</summary>
    System,
}

/// <summary>One log line; <see cref="Sequence"/> orders lines of a run across streams.</summary>
public sealed record LogLine(long Sequence, LogStream Stream, DateTimeOffset Timestamp, string Text);

/// <summary>A file the run produced, stored in the artifact store.</summary>
public sealed record RunOutput(string Path, string Hash, long Size);

/// <summary>A table logged by a run: JSON rows.</summary>
public sealed record RunTable(string Name, string RowsJson, DateTimeOffset Timestamp);

/// <summary>An image logged by a run (PNG or SVG), stored in the artifact store.</summary>
public sealed record RunImage(string Name, string Path, string Hash, string MediaType, DateTimeOffset Timestamp);

/// <summary>Query for runs: filter and order-by use the run query language (see <c>RunFilterParser</c>).</summary>
public sealed record RunQuery
{
    /// <summary>Experiment to search, or null for all.</summary>
    public string? Experiment { get; init; }
    /// <summary>e.g. <c>metrics.accuracy &gt; 0.9 and (params.lr = '0.1' or tags.team = 'x')</c>.</summary>
    public string? Filter { get; init; }
    /// <summary>e.g. <c>metrics.accuracy desc, attributes.start_time</c>.</summary>
    public string? OrderBy { get; init; }
    /// <summary>Maximum number of runs returned.</summary>
    public int Max { get; init; } = 1000;
    /// <summary>Only children of this run.</summary>
    public string? ParentRunId { get; init; }
    /// <summary>Which runs by lifecycle: active ones (the default), deleted ones, or all.</summary>
    public RunLifecycle Lifecycle { get; init; } = RunLifecycle.Active;
}

/// <summary>Which runs a query returns by lifecycle (a run is deleted when it or its experiment was soft-deleted).</summary>
public enum RunLifecycle
{
    /// <summary>Runs that are not deleted.</summary>
    Active,
    /// <summary>Only deleted runs.</summary>
    Deleted,
    /// <summary>Every run.</summary>
    All,
}

/// <summary>
/// A dataset a run used as the client that logged it describes it (MLflow's <c>runs/log-inputs</c>): a description of
/// data kept elsewhere, unlike <see cref="IRunStore.AddDatasetInput"/>, which names a version of a workspace dataset.
/// One run holds one input per (name, digest).
/// </summary>
/// <param name="Name">The dataset's name.</param>
/// <param name="Digest">A short fingerprint of the data (what tells two versions of a dataset apart).</param>
/// <param name="SourceType">Where the data lives, e.g. <c>local</c>, <c>s3</c>, <c>http</c>, <c>hugging_face</c>.</param>
/// <param name="Source">The source's description (often JSON, e.g. <c>{"uri": "s3://bucket/train.csv"}</c>).</param>
/// <param name="Schema">The dataset's schema (often JSON), if given.</param>
/// <param name="Profile">Summary statistics (often JSON, e.g. row counts), if given.</param>
public sealed record ExternalDatasetInput(string Name, string Digest, string SourceType, string Source, string? Schema = null, string? Profile = null)
{
    /// <summary>Tags of the input (not of the dataset), e.g. <c>mlflow.data.context</c> = <c>training</c>.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}
