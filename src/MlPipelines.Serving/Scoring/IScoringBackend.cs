using System.Text.Json;

namespace MlPipelines.Serving.Scoring;

/// <summary>Runs the model's scoring code: a .NET IScorer or a pool of Python workers.</summary>
internal interface IScoringBackend : IAsyncDisposable
{
    /// <summary>Loads the scorer and the model; readiness flips when this completes.</summary>
    Task InitAsync(CancellationToken cancellationToken);

    /// <summary>Scores one validated JSON body and returns the UTF-8 JSON response.</summary>
    /// <exception cref="ScoringException">the scorer failed, crashed or timed out.</exception>
    ValueTask<ReadOnlyMemory<byte>> ScoreAsync(JsonDocument input, ReadOnlyMemory<byte> rawUtf8, CancellationToken timeout);
}

/// <summary>Why scoring failed, mapped to an HTTP status by the endpoint.</summary>
internal enum ScoringFailure { ScorerError, WorkerCrashed, Timeout, NotReady, InputError }

/// <summary>A scoring failure; <see cref="Exception.Message"/> is for the log, never the response — except for
/// <see cref="ScoringFailure.InputError"/>, whose message is the scorer's own answer to the caller.</summary>
internal sealed class ScoringException(ScoringFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public ScoringFailure Failure { get; } = failure;
}
