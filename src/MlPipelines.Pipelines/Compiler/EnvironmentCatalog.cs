using MlPipelines.Core.Hashing;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>Curated environments shipped with MlPipelines. Declared environments (<c>p.Environment(...)</c>) add to these.</summary>
public static class EnvironmentCatalog
{
    /// <summary>Curated environment definitions by name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Curated { get; } =
        new SortedDictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["dotnet-10"] = Def(("runtime", "dotnet"), ("version", "10.0"), ("image", "mcr.microsoft.com/dotnet/sdk:10.0")),
            ["python-3.11"] = Def(("runtime", "python"), ("version", "3.11"), ("image", "python:3.11-slim")),
            ["python-3.11-sklearn"] = Def(("runtime", "python"), ("version", "3.11"), ("image", "python:3.11-slim"), ("packages", "numpy,pandas,scikit-learn")),
        };

    internal static PlanEnvironment ForCurated(string name) => Create(name, "curated", Curated[name]);

    internal static PlanEnvironment ForDeclared(EnvironmentDeclaration d)
    {
        var def = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (d.Image is not null) def["image"] = d.Image;
        if (d.Dockerfile is not null) def["dockerfile"] = d.Dockerfile;
        if (d.Packages.Count > 0) def["packages"] = string.Join(",", d.Packages.Order(StringComparer.Ordinal));
        return Create(d.Name, "declared", def);
    }

    private static PlanEnvironment Create(string name, string kind, IReadOnlyDictionary<string, string> def)
    {
        var sorted = new SortedDictionary<string, string>(def.ToDictionary(), StringComparer.Ordinal);
        var hash = ContentHash.OfParts(new[] { KeyValuePair.Create("kind", kind) }.Concat(sorted));
        return new PlanEnvironment(name, kind, hash, sorted);
    }

    private static IReadOnlyDictionary<string, string> Def(params (string Key, string Value)[] entries) =>
        new SortedDictionary<string, string>(entries.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal);
}
