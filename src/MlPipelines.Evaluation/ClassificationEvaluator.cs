using MlPipelines.Core.Errors;

namespace MlPipelines.Evaluation;

/// <summary>Classification metrics of a prediction set. Zero divisions (a class never predicted) count as 0, as scikit-learn does.</summary>
internal static class ClassificationEvaluator
{
    /// <summary>Probabilities are clipped to [Epsilon, 1 − Epsilon] for log-loss.</summary>
    private const double Epsilon = 1e-15;

    public static EvaluationResult Evaluate(PredictionSet set, EvaluationOptions options)
    {
        var rows = set.Rows;
        var classes = ClassOrder.Sort(rows.SelectMany(r => new[] { r.Label, r.Prediction }).Concat(set.ScoreClasses));
        var confusion = new ConfusionMatrix(classes, rows.Select(r => (r.Label, r.Prediction)));
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var notes = new List<string>();

        var correct = rows.Count(r => r.Label == r.Prediction);
        metrics["accuracy"] = (double)correct / rows.Count;

        var perClass = classes.Select(c => PerClass(confusion, c)).ToList();
        // Macro averages run over every class seen in labels or predictions (score-only classes are left out).
        var seen = rows.SelectMany(r => new[] { r.Label, r.Prediction }).ToHashSet(StringComparer.Ordinal);
        var averaged = perClass.Where(m => seen.Contains(m.Class)).ToList();
        metrics["precision_macro"] = averaged.Average(m => m.Precision);
        metrics["recall_macro"] = averaged.Average(m => m.Recall);
        metrics["f1_macro"] = averaged.Average(m => m.F1);
        foreach (var m in averaged)
        {
            var key = MetricKey(m.Class);
            metrics["precision_" + key] = m.Precision;
            metrics["recall_" + key] = m.Recall;
            metrics["f1_" + key] = m.F1;
        }

        if (set.ScoreClasses.Count > 0) ClassScoreMetrics(set, metrics, notes);
        else if (set.HasScore) BinaryScoreMetrics(set, classes, options, metrics, notes);

        return new EvaluationResult
        {
            Task = EvaluationTask.Classification, Count = rows.Count, Metrics = metrics,
            PerClass = averaged, Confusion = confusion, Notes = notes,
        };
    }

    private static ClassMetrics PerClass(ConfusionMatrix m, string c)
    {
        var tp = m[c, c];
        var predicted = m.Classes.Sum(a => m[a, c]);
        var actual = m.Classes.Sum(p => m[c, p]);
        var precision = predicted == 0 ? 0 : (double)tp / predicted;
        var recall = actual == 0 ? 0 : (double)tp / actual;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassMetrics(c, precision, recall, f1, actual);
    }

    private static void BinaryScoreMetrics(PredictionSet set, IReadOnlyList<string> classes, EvaluationOptions options, Dictionary<string, double> metrics, List<string> notes)
    {
        string positive;
        if (options.PositiveClass is { } pc)
        {
            if (!classes.Contains(pc))
                throw MlpException.Invalid($"Positive class '{pc}' does not occur in {set.Source}; classes: {string.Join(", ", classes.Select(c => $"'{c}'"))}.");
            positive = pc;
        }
        else if (classes.Count == 2) positive = classes[1];
        else
        {
            notes.Add($"log_loss, roc_auc: column 'score' needs exactly two classes, found {classes.Count}; use score_<class> columns for multiclass.");
            return;
        }
        var scores = set.Rows.Select(r => r.Score!.Value).ToList();
        var isPositive = set.Rows.Select(r => r.Label == positive).ToList();
        CheckProbabilities(set, "score", set.Rows.Select(r => (r.Line, r.Score!.Value)));
        metrics["log_loss"] = set.Rows.Average(r => -Math.Log(Clip(r.Label == positive ? r.Score!.Value : 1 - r.Score!.Value)));
        if (RocAuc.Binary(scores, isPositive) is { } auc) metrics["roc_auc"] = auc;
        else notes.Add("roc_auc: labels contain only one class.");
    }

    private static void ClassScoreMetrics(PredictionSet set, Dictionary<string, double> metrics, List<string> notes)
    {
        var labels = set.Rows.Select(r => r.Label).Distinct().ToList();
        var unscored = labels.Where(l => !set.ScoreClasses.Contains(l)).ToList();
        if (unscored.Count > 0)
        {
            notes.Add($"log_loss, roc_auc: labels {string.Join(", ", unscored.Select(u => $"'{u}'"))} have no score_<class> column.");
            return;
        }
        foreach (var cls in set.ScoreClasses) CheckProbabilities(set, "score_" + cls, set.Rows.Select(r => (r.Line, r.ClassScores[cls])));
        metrics["log_loss"] = set.Rows.Average(r => -Math.Log(Clip(r.ClassScores[r.Label])));

        if (set.ScoreClasses.Count == 2)
        {
            var positive = ClassOrder.Sort(set.ScoreClasses)[1];
            var auc = RocAuc.Binary(set.Rows.Select(r => r.ClassScores[positive]).ToList(), set.Rows.Select(r => r.Label == positive).ToList());
            if (auc is { } a) metrics["roc_auc"] = a; else notes.Add("roc_auc: labels contain only one class.");
            return;
        }
        // Multiclass: one-vs-rest, macro-averaged over the classes present in the labels.
        var aucs = new List<double>();
        foreach (var cls in set.ScoreClasses.Where(labels.Contains))
        {
            var auc = RocAuc.Binary(set.Rows.Select(r => r.ClassScores[cls]).ToList(), set.Rows.Select(r => r.Label == cls).ToList());
            if (auc is { } a) aucs.Add(a);
        }
        if (aucs.Count > 0 && labels.Count > 1) metrics["roc_auc"] = aucs.Average();
        else notes.Add("roc_auc: labels contain only one class.");
    }

    private static void CheckProbabilities(PredictionSet set, string column, IEnumerable<(int Line, double Value)> values)
    {
        foreach (var (line, v) in values)
            if (v < 0 || v > 1)
                throw MlpException.Invalid($"{set.Source} line {line}, column '{column}': {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a probability (expected 0..1).");
    }

    private static double Clip(double p) => Math.Clamp(p, Epsilon, 1 - Epsilon);

    /// <summary>Class names as metric-name suffixes: characters outside letters, digits, '-', '_', '.' become '_'.</summary>
    internal static string MetricKey(string cls) =>
        new(cls.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
