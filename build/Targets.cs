namespace MlPipelines.Build;

/// <summary>The repository's build targets and what each depends on.</summary>
internal static class Targets
{
    public static BuildGraph Define(Shell sh) => new BuildGraph()
        .Add("compile", "Restore and build the whole solution.", [], () =>
            sh.Run("dotnet", "build", "MlPipelines.sln", "-nologo", "-v", "q"))
        .Add("test", "Run every test project (integration tests skip, with a reason, when their service is absent).", ["compile"], () =>
            sh.Run("dotnet", "test", "MlPipelines.sln", "--no-build", "-nologo", "-v", "q", "--logger", "console;verbosity=normal"))
        .Add("pack", "Pack the mlp .NET tool and the MlPipelines libraries into artifacts/packages.", ["compile"], () =>
            sh.Run("dotnet", "pack", "MlPipelines.sln", "-nologo", "-v", "q", "-c", "Release", "-o", "artifacts/packages"))
        .Add("demo", "Run the Iris example pipeline end to end on the embedded default workspace (.mlp/ here) (train → … → deploy → predict).", [], () =>
            sh.Run("dotnet", "run", "--project", "pipelines/Iris", "--", "run"))
        .Add("bench", "Run the benchmarks in bench/ (Release) and print their figures.", [], () =>
        {
            foreach (var project in Directory.GetFiles("bench", "*.csproj", SearchOption.AllDirectories).Order())
                sh.Run("dotnet", "run", "-c", "Release", "--project", project);
        });
}
