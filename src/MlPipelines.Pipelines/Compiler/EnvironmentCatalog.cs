using MlPipelines.Core.Environments;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>
/// Curated environments shipped with MlPipelines (versioned by their definition hash). Environments declared in C#
/// (<c>p.Environment(...)</c>) and those registered in the workspace (<c>mlp environment create</c>) add to these.
/// </summary>
public static class EnvironmentCatalog
{
    /// <summary>Curated environment definitions by name: a public base image and packages.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Curated { get; } =
        new SortedDictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["dotnet-10"] = Def(("runtime", "dotnet"), ("version", "10.0"), ("base", "mcr.microsoft.com/dotnet/sdk:10.0")),
            ["python-3.11"] = Def(("runtime", "python"), ("version", "3.11"), ("base", "python:3.11-slim")),
            ["python-3.11-sklearn"] = Def(("runtime", "python"), ("version", "3.11"), ("base", "python:3.11-slim"), ("pip", "joblib,numpy,pandas,scikit-learn")),
        };

    /// <summary>The plan record of a curated environment.</summary>
    public static PlanEnvironment ForCurated(string name) => Create(name, EnvironmentSpec.Curated, Curated[name]);

    internal static PlanEnvironment ForDeclared(EnvironmentDeclaration d) => Create(d.Name, d.Kind, d.Fields);

    /// <summary>A plan record from a kind and fields (checked by <see cref="EnvironmentSpec.Validate"/>).</summary>
    public static PlanEnvironment Create(string name, string kind, IReadOnlyDictionary<string, string> def)
    {
        var sorted = EnvironmentSpec.Validate(name, kind, def);
        return new PlanEnvironment(name, kind, EnvironmentSpec.DefinitionHash(kind, sorted), sorted);
    }

    private static IReadOnlyDictionary<string, string> Def(params (string Key, string Value)[] entries) =>
        new SortedDictionary<string, string>(entries.ToDictionary(e => e.Key, e => e.Value), StringComparer.Ordinal);
}
