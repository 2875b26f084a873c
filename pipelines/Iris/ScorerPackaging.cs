using System.Text.Json;
using MlPipelines.Pipelines;

namespace IrisExample;

/// <summary>
/// The 'package' step: the trained model files plus the .NET scorer (Iris.Scorer.dll, built next to this program) and
/// a <c>scorer.json</c> telling the scoring host which <c>IScorer</c> to load. The result is what gets registered.
/// </summary>
internal static class ScorerPackaging
{
    public static void Package(CodeContext ctx, string trainedModelDir)
    {
        var output = ctx.OutputDirectory;
        var target = Path.Combine(output, "model");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(trainedModelDir))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        var scorerDll = Path.Combine(AppContext.BaseDirectory, "Iris.Scorer.dll");
        if (!File.Exists(scorerDll)) throw new FileNotFoundException($"The scorer was not built next to the pipeline program: '{scorerDll}' is missing.");
        File.Copy(scorerDll, Path.Combine(target, "Iris.Scorer.dll"), overwrite: true);
        File.WriteAllText(Path.Combine(target, "scorer.json"), JsonSerializer.Serialize(new
        {
            kind = "dotnet",
            assembly = "Iris.Scorer.dll",
            type = "Iris.Scorer.IrisScorer",
        }));
        ctx.Log($"Packaged model with scorer Iris.Scorer.IrisScorer into '{target}'.");
    }
}
