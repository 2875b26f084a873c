namespace MlPipelines.Evaluation;

/// <summary>What kind of predictions are evaluated.</summary>
public enum EvaluationTask
{
    /// <summary>Detect from the data (see <see cref="TaskDetector"/>).</summary>
    Auto,
    /// <summary>Labels are classes.</summary>
    Classification,
    /// <summary>Labels are numbers.</summary>
    Regression,
}

/// <summary>Options of the built-in evaluator.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Classification, regression, or auto-detect (default).</summary>
    public EvaluationTask Task { get; init; } = EvaluationTask.Auto;

    /// <summary>
    /// For binary classification with a single <c>score</c> column: the class the score is the probability of.
    /// Default: the second class in sorted order (e.g. '1' of '0'/'1', 'true' of 'false'/'true').
    /// </summary>
    public string? PositiveClass { get; init; }
}
