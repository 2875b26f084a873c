using MlPipelines.Core.Errors;

namespace MlPipelines.Evaluation;

/// <summary>RMSE, MAE and R² of numeric labels and predictions.</summary>
internal static class RegressionEvaluator
{
    public static EvaluationResult Evaluate(PredictionSet set)
    {
        var y = new double[set.Rows.Count];
        var p = new double[set.Rows.Count];
        for (var i = 0; i < set.Rows.Count; i++)
        {
            var r = set.Rows[i];
            y[i] = Parse(set.Source, r.Line, "label", r.Label);
            p[i] = Parse(set.Source, r.Line, "prediction", r.Prediction);
        }
        var n = y.Length;
        var mean = y.Average();
        double ssRes = 0, ssTot = 0, absSum = 0;
        for (var i = 0; i < n; i++)
        {
            var e = y[i] - p[i];
            ssRes += e * e;
            absSum += Math.Abs(e);
            ssTot += (y[i] - mean) * (y[i] - mean);
        }
        // Constant labels: R² is 1 for a perfect fit, else 0 (scikit-learn's force_finite behaviour).
        var r2 = ssTot == 0 ? (ssRes == 0 ? 1.0 : 0.0) : 1 - ssRes / ssTot;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["rmse"] = Math.Sqrt(ssRes / n),
            ["mae"] = absSum / n,
            ["r2"] = r2,
        };
        return new EvaluationResult { Task = EvaluationTask.Regression, Count = n, Metrics = metrics };
    }

    private static double Parse(string source, int line, string column, string value) =>
        PredictionReader.TryNumber(value, out var d) ? d
            : throw MlpException.Invalid($"{source} line {line}, column '{column}': '{value}' is not a number (regression needs numeric labels and predictions).");
}
