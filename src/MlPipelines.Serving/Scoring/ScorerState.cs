namespace MlPipelines.Serving.Scoring;

/// <summary>Readiness of the scorer: starting, ready, or failed with the reason.</summary>
internal sealed class ScorerState
{
    private volatile string? _error;
    private volatile bool _ready;

    public bool IsReady => _ready;

    public string? Error => _error;

    public void MarkReady() => _ready = true;

    public void MarkFailed(string error) => _error = error;
}
