namespace MlPipelines.Build;

/// <summary>The repository's build targets: what each does and what it needs first.</summary>
internal static class Targets
{
    public static IReadOnlyList<BuildTarget> All { get; } =
    [
        new("compile", "Restore and build the whole solution.", [],
            ["dotnet", "build", "MlPipelines.sln", "-nologo", "-v", "q"]),
        new("test", "Run every test project; each test is listed, and a skipped integration test prints why (service absent).", ["compile"],
            ["dotnet", "test", "MlPipelines.sln", "--no-build", "-nologo", "--logger", "console;verbosity=normal"]),
        new("pack", "Pack the mlp .NET tool and the MlPipelines libraries into artifacts/packages.", ["compile"],
            ["dotnet", "pack", "MlPipelines.sln", "-nologo", "-v", "q", "-c", "Release", "-o", "artifacts/packages"]),
        new("demo", "Run the Iris example pipeline end to end on the embedded default workspace (.mlp/ here): train → … → deploy → predict.", [],
            ["dotnet", "run", "--project", "pipelines/Iris", "--", "run"]),
        new("docs", "Regenerate docs/cli.md from the commands' own --help.", [],
            ["dotnet", "run", "--project", "src/MlPipelines.Cli", "--", "docs", "cli", "--output", "docs/cli.md"]),
        new("bench", "Run the benchmarks in bench/ (Release) and print their figures.", [], []),
    ];
}

/// <summary>One build target: a command run from the repository root after its dependencies.</summary>
internal sealed record BuildTarget(string Name, string Description, string[] DependsOn, string[] Command);
