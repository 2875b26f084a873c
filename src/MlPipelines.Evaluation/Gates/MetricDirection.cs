namespace MlPipelines.Evaluation.Gates;

/// <summary>Whether a larger value of a metric is better, judged by its name (losses and errors are lower-is-better).</summary>
public static class MetricDirection
{
    private static readonly string[] LowerIsBetter = ["loss", "error", "rmse", "mse", "mae", "mape", "logloss", "perplexity"];

    /// <summary>False for names containing a loss/error word (<c>log_loss</c>, <c>rmse</c>, <c>val_error</c>), true otherwise (<c>accuracy</c>, <c>r2</c>, <c>roc_auc</c>).</summary>
    public static bool HigherIsBetter(string metric)
    {
        var words = metric.ToLowerInvariant().Split(['_', '-', '.', '/', ' '], StringSplitOptions.RemoveEmptyEntries);
        return !words.Any(w => LowerIsBetter.Contains(w));
    }
}
