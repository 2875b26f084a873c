using System.Globalization;
using MlPipelines.Pipelines;

namespace IrisExample;

/// <summary>The 'profile' step: logs row and class counts of the data set, so a skewed file is visible before training.</summary>
internal static class DataProfile
{
    public static void Log(CodeContext ctx, string csvPath)
    {
        var rows = File.ReadLines(csvPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();
        ctx.Log($"##mlp[metric name=rows]{rows.Count}");
        foreach (var group in rows.GroupBy(r => r[^1]).OrderBy(g => g.Key, StringComparer.Ordinal))
            ctx.Log(string.Create(CultureInfo.InvariantCulture, $"##mlp[metric name=count_{group.Key}]{group.Count()}"));
    }
}
