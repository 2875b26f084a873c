namespace MlPipelines.Evaluation;

/// <summary>The built-in evaluator: predictions in, metrics (and a confusion matrix for classification) out.</summary>
public static class Evaluator
{
    /// <summary>Reads <paramref name="predictionsPath"/> and evaluates it.</summary>
    public static EvaluationResult EvaluateFile(string predictionsPath, EvaluationOptions? options = null) =>
        Evaluate(PredictionReader.ReadFile(predictionsPath), options);

    /// <summary>Evaluates parsed predictions.</summary>
    public static EvaluationResult Evaluate(PredictionSet predictions, EvaluationOptions? options = null)
    {
        options ??= new EvaluationOptions();
        var task = options.Task == EvaluationTask.Auto ? TaskDetector.Detect(predictions) : options.Task;
        return task == EvaluationTask.Regression
            ? RegressionEvaluator.Evaluate(predictions)
            : ClassificationEvaluator.Evaluate(predictions, options);
    }
}

/// <summary>
/// Decides between classification and regression: any score column means classification; non-numeric labels or
/// predictions mean classification; a fractional label or prediction means regression; all-integer values are
/// classification when there are at most <see cref="MaxIntegerClasses"/> distinct labels, else regression.
/// </summary>
public static class TaskDetector
{
    /// <summary>Most distinct integer labels still treated as classes.</summary>
    public const int MaxIntegerClasses = 20;

    /// <summary>The detected task (never Auto).</summary>
    public static EvaluationTask Detect(PredictionSet predictions)
    {
        if (predictions.HasScore || predictions.ScoreClasses.Count > 0) return EvaluationTask.Classification;
        var values = new List<double>(predictions.Rows.Count * 2);
        foreach (var r in predictions.Rows)
        {
            if (!PredictionReader.TryNumber(r.Label, out var l) || !PredictionReader.TryNumber(r.Prediction, out var p))
                return EvaluationTask.Classification;
            values.Add(l); values.Add(p);
        }
        if (values.Any(v => v != Math.Floor(v))) return EvaluationTask.Regression;
        var distinctLabels = predictions.Rows.Select(r => r.Label).Distinct().Count();
        return distinctLabels <= MaxIntegerClasses ? EvaluationTask.Classification : EvaluationTask.Regression;
    }
}
