using MlPipelines.Core.Errors;
using MlPipelines.Endpoints.Local;

namespace MlPipelines.Endpoints.Targets;

/// <summary>Builds the command line of the scoring host (<c>dotnet MlPipelines.Serving.dll …</c>) for a local instance.</summary>
public static class ServingHostLaunch
{
    /// <summary>Environment variable pointing at <c>MlPipelines.Serving.dll</c> or its folder.</summary>
    public const string HostVariable = "MLP_SERVING_HOST";

    /// <summary>The spec for one deployment; instances listen on <c>127.0.0.1:{port}</c> without keys (the router checks them).
    /// The spec holds no secret: the daemon gives each instance its deployment's internal secret in
    /// <c>MLP_INSTANCE_SECRET</c> when it starts it (<see cref="InstanceSecrets"/>).</summary>
    public static LaunchSpec Create(DeploymentPlan plan)
    {
        var python = plan.Scorer.Kind == "python";
        var command = new Scoring.Hosting.ScoringHostCommandLine
        {
            ModelDirectory = plan.ModelDirectory,
            Scorer = python ? Scoring.Hosting.ScorerKind.Python : Scoring.Hosting.ScorerKind.Dotnet,
            ScorerAssembly = python ? null : plan.Scorer.Path,
            ScorerType = python ? null : plan.Scorer.TypeName,
            ScorePy = python ? plan.Scorer.Path : null,
            Python = plan.Scorer.Python ?? "python3",
            Urls = "http://127.0.0.1:{port}",
            TimeoutMs = plan.Record.RequestTimeoutMs,
            MaxConcurrency = plan.Record.MaxConcurrentRequests,
        };
        return new LaunchSpec { FileName = "dotnet", Arguments = [LocateHost(), .. command.ToArguments(includeKeys: false)] };
    }

    /// <summary>Finds the scoring host: <c>$MLP_SERVING_HOST</c>, else next to this assembly.</summary>
    public static string LocateHost()
    {
        const string dll = "MlPipelines.Serving.dll";
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(HostVariable) is { Length: > 0 } configured)
            candidates.Add(Directory.Exists(configured) ? Path.Combine(configured, dll) : configured);
        candidates.Add(Path.Combine(AppContext.BaseDirectory, dll));
        candidates.Add(Path.Combine(Path.GetDirectoryName(typeof(ServingHostLaunch).Assembly.Location) ?? "", dll));
        return candidates.FirstOrDefault(File.Exists) ?? throw MlpException.Invalid(
            $"The scoring host '{dll}' was not found (looked at {string.Join(", ", candidates.Distinct().Select(c => $"'{c}'"))}); set {HostVariable} to its path.");
    }
}
