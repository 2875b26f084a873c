namespace MlPipelines.Workspace.Remote;

/// <summary>How the remote client retries and when it gives up.</summary>
public sealed record RemoteOptions
{
    /// <summary>Give up on a call after this long of failed attempts (429, 502–504, connection errors). Default 60 s or <c>MLP_REMOTE_GIVE_UP_SECONDS</c>.</summary>
    public TimeSpan GiveUpAfter { get; init; } = FromEnvironment("MLP_REMOTE_GIVE_UP_SECONDS", TimeSpan.FromSeconds(60));
    /// <summary>The first back-off; it doubles per attempt up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>The longest single wait between attempts (a server's <c>Retry-After</c> is honoured up to this too).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(100);
    /// <summary>Most metric points sent in one request (the server's default limit is 10,000).</summary>
    public int MetricBatchSize { get; init; } = 10_000;
    /// <summary>Most log lines sent in one request.</summary>
    public int LogBatchSize { get; init; } = 5_000;
    /// <summary>Blobs up to this size go up in one request; larger ones in resumable chunks of this size.</summary>
    public int UploadChunkBytes { get; init; } = 8 * 1024 * 1024;

    private static TimeSpan FromEnvironment(string name, TimeSpan fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), System.Globalization.CultureInfo.InvariantCulture, out var s) && s > 0
            ? TimeSpan.FromSeconds(s) : fallback;
}
