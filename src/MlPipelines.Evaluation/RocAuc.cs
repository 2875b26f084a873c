namespace MlPipelines.Evaluation;

/// <summary>Area under the ROC curve via the rank-sum (Mann–Whitney U) statistic, with average ranks for ties.</summary>
internal static class RocAuc
{
    /// <summary>AUC of <paramref name="scores"/> for <paramref name="positive"/> labels; null when one side is empty.</summary>
    public static double? Binary(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        var nPos = positive.Count(p => p);
        var nNeg = positive.Count - nPos;
        if (nPos == 0 || nNeg == 0) return null;
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumPos = 0;
        var i0 = 0;
        while (i0 < order.Length)
        {
            var i1 = i0;
            while (i1 + 1 < order.Length && scores[order[i1 + 1]] == scores[order[i0]]) i1++;
            var averageRank = (i0 + i1) / 2.0 + 1; // ranks are 1-based
            for (var k = i0; k <= i1; k++) if (positive[order[k]]) rankSumPos += averageRank;
            i0 = i1 + 1;
        }
        return (rankSumPos - nPos * (nPos + 1) / 2.0) / ((double)nPos * nNeg);
    }
}
