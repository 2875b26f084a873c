using System.Text.Json;
using MlPipelines.Core.Errors;

namespace MlPipelines.Images;

/// <summary>
/// Copies the published scoring host out of the folder it sits in (often a CLI or pipeline program's output, full of
/// unrelated assemblies) into a clean folder: <c>MlPipelines.Serving.dll</c>, its deps/runtimeconfig files and the runtime
/// assets its deps.json names. Only what the host needs goes into the image, so the context hash does not change when
/// unrelated assemblies next to it do.
/// </summary>
internal static class ServingHostFiles
{
    public static void Stage(string hostAssemblyPath, string destination)
    {
        var source = Path.GetDirectoryName(Path.GetFullPath(hostAssemblyPath))!;
        var stem = Path.GetFileNameWithoutExtension(hostAssemblyPath);
        var files = new SortedSet<string>(StringComparer.Ordinal) { Path.GetFileName(hostAssemblyPath) };
        foreach (var extra in new[] { ".runtimeconfig.json", ".deps.json" })
            if (File.Exists(Path.Combine(source, stem + extra))) files.Add(stem + extra);
        var deps = Path.Combine(source, stem + ".deps.json");
        if (File.Exists(deps)) foreach (var asset in RuntimeAssets(deps)) files.Add(Locate(source, asset, hostAssemblyPath));
        else foreach (var dll in Directory.EnumerateFiles(source, "*.dll")) files.Add(Path.GetFileName(dll)); // no deps.json: the whole folder's assemblies

        Directory.CreateDirectory(destination);
        foreach (var relative in files)
        {
            var target = Path.Combine(destination, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, relative), target, overwrite: true);
        }
    }

    /// <summary>Runtime asset paths (<c>targets.*.*.runtime</c> keys) of a deps.json.</summary>
    private static IEnumerable<string> RuntimeAssets(string depsJson)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(depsJson));
        if (!doc.RootElement.TryGetProperty("targets", out var targets)) yield break;
        foreach (var target in targets.EnumerateObject())
            foreach (var library in target.Value.EnumerateObject())
                if (library.Value.TryGetProperty("runtime", out var runtime) && runtime.ValueKind == JsonValueKind.Object)
                    foreach (var asset in runtime.EnumerateObject()) yield return asset.Name;
    }

    /// <summary>A package asset such as <c>lib/net8.0/X.dll</c> is published flat as <c>X.dll</c>.</summary>
    private static string Locate(string source, string asset, string host)
    {
        if (File.Exists(Path.Combine(source, asset))) return asset;
        var flat = Path.GetFileName(asset);
        if (File.Exists(Path.Combine(source, flat))) return flat;
        throw MlpException.Invalid($"The scoring host '{host}' needs '{asset}', which is not in '{source}'; rebuild or republish MlPipelines.Serving.");
    }
}
