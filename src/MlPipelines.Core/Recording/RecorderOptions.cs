namespace MlPipelines.Core.Recording;

/// <summary>Where a <see cref="RunRecorder"/> finds the files a run names, how it batches, and who hears its warnings.</summary>
public sealed record RecorderOptions
{
    /// <summary>The run's output folder (<c>MLP_OUTPUT_DIR</c>): searched first for images and named outputs; its files become the run's outputs.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The folder the run's command works in: searched second for images and named outputs.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Records (lines, metric points, params, tags…) pending before the background writer is woken.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>Pending records are written at least this often.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Called with every warning (without the <c>warning: </c> prefix the log line gets), possibly from the background
    /// writer's thread.
    /// </summary>
    public Action<string>? OnWarning { get; init; }
}
