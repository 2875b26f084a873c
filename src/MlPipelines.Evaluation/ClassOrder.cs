namespace MlPipelines.Evaluation;

/// <summary>Orders class names: numerically when all are numbers (2 before 10), else ordinally.</summary>
internal static class ClassOrder
{
    public static IReadOnlyList<string> Sort(IEnumerable<string> classes)
    {
        var distinct = classes.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.All(c => PredictionReader.TryNumber(c, out _)))
            return distinct.OrderBy(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ThenBy(c => c, StringComparer.Ordinal).ToList();
        return distinct.OrderBy(c => c, StringComparer.Ordinal).ToList();
    }
}
