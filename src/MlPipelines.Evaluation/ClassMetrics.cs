namespace MlPipelines.Evaluation;

/// <summary>Precision, recall, F1 and support of one class.</summary>
public sealed record ClassMetrics(string Class, double Precision, double Recall, double F1, int Support);

/// <summary>What the built-in evaluator computed.</summary>
public sealed record EvaluationResult
{
    /// <summary>Classification or regression (never Auto).</summary>
    public required EvaluationTask Task { get; init; }
    /// <summary>Number of rows evaluated.</summary>
    public required int Count { get; init; }
    /// <summary>
    /// Flat metrics, as logged to the run: classification <c>accuracy</c>, <c>precision_macro</c>, <c>recall_macro</c>,
    /// <c>f1_macro</c>, per class <c>precision_&lt;class&gt;</c>, <c>recall_&lt;class&gt;</c>, <c>f1_&lt;class&gt;</c> (class names reduced to
    /// letters, digits, '-', '_', '.'), and with scores <c>log_loss</c>, <c>roc_auc</c>; regression <c>rmse</c>, <c>mae</c>, <c>r2</c>.
    /// </summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
    /// <summary>Per-class metrics (classification only).</summary>
    public IReadOnlyList<ClassMetrics> PerClass { get; init; } = [];
    /// <summary>The confusion matrix (classification only).</summary>
    public ConfusionMatrix? Confusion { get; init; }
    /// <summary>Notes about metrics that could not be computed (e.g. "roc_auc: only one class in labels").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
