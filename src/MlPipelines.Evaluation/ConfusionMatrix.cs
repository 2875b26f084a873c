namespace MlPipelines.Evaluation;

/// <summary>One cell of a confusion matrix in table form.</summary>
public sealed record ConfusionCell(string Actual, string Predicted, int Count);

/// <summary>Counts of (actual, predicted) class pairs; rows are actual classes, columns predicted classes.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;
    private readonly Dictionary<string, int> _index;

    /// <summary>Builds the matrix of <paramref name="pairs"/> over <paramref name="classes"/> (which must contain every value).</summary>
    public ConfusionMatrix(IReadOnlyList<string> classes, IEnumerable<(string Actual, string Predicted)> pairs)
    {
        Classes = classes;
        _index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        _counts = new int[classes.Count, classes.Count];
        foreach (var (a, p) in pairs) _counts[_index[a], _index[p]]++;
    }

    /// <summary>The classes, in row/column order.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>How many rows had actual class <paramref name="actual"/> and predicted class <paramref name="predicted"/>.</summary>
    public int this[string actual, string predicted] => _counts[_index[actual], _index[predicted]];

    /// <summary>The matrix as nested arrays: <c>Rows[actual][predicted]</c> in <see cref="Classes"/> order.</summary>
    public int[][] Rows => Enumerable.Range(0, Classes.Count)
        .Select(r => Enumerable.Range(0, Classes.Count).Select(c => _counts[r, c]).ToArray()).ToArray();

    /// <summary>Total number of rows counted.</summary>
    public int Total => _counts.Cast<int>().Sum();

    /// <summary>The matrix as a table: one row per (actual, predicted) pair, zero counts included.</summary>
    public IReadOnlyList<ConfusionCell> ToTable() =>
        Classes.SelectMany(a => Classes.Select(p => new ConfusionCell(a, p, this[a, p]))).ToList();
}
