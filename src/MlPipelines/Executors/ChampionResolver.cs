using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Workspaces;
using MlPipelines.Evaluation.Gates;

namespace MlPipelines.Executors;

/// <summary>
/// Resolves a baseline such as <c>iris@champion</c> to its metrics for <see cref="Gate.BetterThan"/>: the metrics
/// copied from its training run, overlaid with those of the evaluation run that gated its registration (tag
/// <see cref="EvaluationRunTag"/>), so a champion is compared on the same evaluation metrics as the candidate.
/// </summary>
public sealed class ChampionResolver(IWorkspace workspace)
{
    /// <summary>Model version tag naming the evaluation run whose metrics describe the version.</summary>
    public const string EvaluationRunTag = "mlp.evaluation_run";

    /// <summary>The baseline's metrics, or null when it does not exist yet (no such model or alias).</summary>
    public ChampionMetrics? Resolve(string reference)
    {
        ModelVersion version;
        try { version = workspace.Models.Get(ModelRef.Parse(reference)); }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return null; }

        var metrics = new Dictionary<string, double>(version.Metrics, StringComparer.Ordinal);
        if (version.Tags.TryGetValue(EvaluationRunTag, out var runId))
        {
            var run = workspace.Runs.FindRun(runId);
            if (run?.ReusedFrom is { } original) run = workspace.Runs.FindRun(original) ?? run;
            foreach (var (k, v) in run?.LatestMetrics ?? new Dictionary<string, double>()) metrics[k] = v;
        }
        return new ChampionMetrics($"{version.Name}:{version.Version}", metrics);
    }
}
