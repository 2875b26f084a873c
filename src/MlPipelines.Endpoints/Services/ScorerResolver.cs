using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;

namespace MlPipelines.Endpoints.Services;

/// <summary>How a model's files are scored: a .NET IScorer assembly or an Azure ML style score.py.</summary>
/// <param name="Kind">"dotnet" or "python".</param>
/// <param name="Path">Absolute path of the scorer assembly or score.py.</param>
/// <param name="TypeName">IScorer type for dotnet (null: the only one in the assembly).</param>
/// <param name="Python">Interpreter for score.py on local targets (scorer.json <c>"python"</c>); null: <c>python3</c> on the PATH.</param>
public sealed record ScorerSpec(string Kind, string Path, string? TypeName = null, string? Python = null);

/// <summary>
/// Finds the scorer in materialised model files: <c>scorer.json</c> (<c>{"kind":"dotnet","assembly":"X.dll","type":"N.T"}</c>
/// or <c>{"kind":"python","scorePy":"score.py"}</c>) wins; else a <c>score.py</c>; else the single <c>*.dll</c> (dotnet flavor).
/// </summary>
public static class ScorerResolver
{
    /// <summary>Resolves the scorer of the model files in <paramref name="modelDirectory"/>.</summary>
    public static ScorerSpec Resolve(string modelDirectory, ModelVersion model)
    {
        var manifest = System.IO.Path.Combine(modelDirectory, "scorer.json");
        if (File.Exists(manifest)) return FromManifest(modelDirectory, manifest, model);
        var scorePy = Directory.EnumerateFiles(modelDirectory, "score.py", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault();
        if (scorePy is not null) return new ScorerSpec("python", scorePy);
        var dlls = Directory.EnumerateFiles(modelDirectory, "*.dll", SearchOption.AllDirectories).ToList();
        if (dlls.Count == 1) return new ScorerSpec("dotnet", dlls[0]);
        var files = string.Join(", ", model.Files.Take(20).Select(f => $"'{f.Path}'"));
        throw MlpException.Invalid(
            $"Model '{model.Name}:{model.Version}' has no scorer: expected a 'scorer.json' ({{\"kind\":\"dotnet\",\"assembly\":\"Scorer.dll\"}} or " +
            $"{{\"kind\":\"python\",\"scorePy\":\"score.py\"}}), a 'score.py', or exactly one '.dll' among its files ({files}).");
    }

    private static ScorerSpec FromManifest(string dir, string path, ModelVersion model)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        string? Str(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var kind = (Str("kind") ?? (model.Flavor == "python" || model.Flavor == "sklearn" ? "python" : "dotnet")).ToLowerInvariant();
        var file = kind switch
        {
            "dotnet" => Str("assembly"),
            "python" => Str("scorePy") ?? "score.py",
            _ => throw MlpException.Invalid($"scorer.json of model '{model.Name}:{model.Version}' has kind '{kind}'; expected 'dotnet' or 'python'."),
        } ?? throw MlpException.Invalid($"scorer.json of model '{model.Name}:{model.Version}' needs \"assembly\" for a dotnet scorer.");
        var full = Core.Naming.ArtifactPaths.ResolveUnder(dir, "scorer", file);
        if (!File.Exists(full)) throw MlpException.Invalid($"scorer.json of model '{model.Name}:{model.Version}' names '{file}', which is not among the model files.");
        return new ScorerSpec(kind, full, Str("type"), Str("python"));
    }
}
