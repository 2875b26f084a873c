using System.Globalization;
using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Pipelines;

namespace DiabetesExample;

/// <summary>
/// The 'select' step: reads each variant's evaluation (metrics/metrics.json), keeps the model with the lowest RMSE and
/// packages it with score.py and a scorer.json, so the registered model can be served by the Python worker pool.
/// </summary>
internal static class BestModel
{
    public static void Select(CodeContext ctx, IReadOnlyList<(string Name, string ModelDir, string MetricsDir)> candidates, string output)
    {
        var scored = candidates.Select(c => (c.Name, c.ModelDir, Rmse: ReadRmse(c.Name, c.MetricsDir))).ToList();
        foreach (var s in scored) ctx.Log(string.Create(CultureInfo.InvariantCulture, $"{s.Name}: rmse {s.Rmse:0.000}"));
        var best = scored.MinBy(s => s.Rmse);
        ctx.Log($"##mlp[tag name=selected]{best.Name}");
        ctx.Log(string.Create(CultureInfo.InvariantCulture, $"##mlp[metric name=rmse]{best.Rmse}"));

        Directory.CreateDirectory(output);
        foreach (var file in Directory.EnumerateFiles(best.ModelDir))
            File.Copy(file, Path.Combine(output, Path.GetFileName(file)), overwrite: true);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "score.py"), Path.Combine(output, "score.py"), overwrite: true);
        File.WriteAllText(Path.Combine(output, "scorer.json"), """{"kind":"python","scorePy":"score.py"}""");
        ctx.Log($"Selected '{best.Name}' and packaged it with score.py.");
    }

    private static double ReadRmse(string name, string metricsDir)
    {
        var file = Path.Combine(metricsDir, "metrics.json");
        if (!File.Exists(file)) throw MlpException.Failed($"The evaluation of '{name}' wrote no '{file}'.");
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        return doc.RootElement.GetProperty("metrics").TryGetProperty("rmse", out var v) ? v.GetDouble()
            : throw MlpException.Failed($"The evaluation of '{name}' has no 'rmse' metric.");
    }
}
