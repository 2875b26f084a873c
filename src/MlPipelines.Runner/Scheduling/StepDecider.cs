using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Pipelines.Plan;
using MlPipelines.Runner.Caching;

namespace MlPipelines.Runner.Scheduling;

/// <summary>What is known about an upstream step when a step is decided: its status (null while it has not finished, as in <c>plan</c>).</summary>
internal sealed record UpstreamView(string Name, RunStatus? Status, string? Reason, string? FailedRoot, IReadOnlyDictionary<string, string> Outcomes);

/// <summary>A decision about one step: run, reuse or skip, and why.</summary>
/// <param name="Kind">Run, reuse or skip.</param>
/// <param name="Note">Why ("no earlier run", "cache key changed", "upstream 'x' failed", "gate: …").</param>
/// <param name="Changes">For a run caused by a changed key: which parts changed.</param>
/// <param name="ReuseFrom">For a reuse: the completed run whose results are reused.</param>
/// <param name="FailedRoot">For a skip caused by a failure: the step that failed.</param>
internal sealed record Decision(StepDecision Kind, string Note, IReadOnlyList<string> Changes, RunInfo? ReuseFrom = null, string? FailedRoot = null)
{
    internal static Decision Run(string note, IReadOnlyList<string>? changes = null) => new(StepDecision.Run, note, changes ?? []);
}

/// <summary>
/// The one decision function of the runner and of <c>plan</c>: whether a step is skipped (failed or skipped upstream,
/// false condition), reused from the cache, or run — and why. <c>plan</c> calls it with upstream steps that have not
/// finished (status null), so conditions on their outcomes are reported as pending rather than evaluated.
/// </summary>
internal sealed class StepDecider(IWorkspace workspace, PipelinePlan plan, bool force)
{
    /// <summary>A reason to skip the step, or null when it may run (or be reused).</summary>
    internal Decision? Skip(PlanStep step, Func<string, UpstreamView> upstream)
    {
        var deps = step.DependsOn.Select(upstream).ToList();
        foreach (var d in deps)
        {
            if (d.Status is RunStatus.Failed or RunStatus.Canceled)
                return Skipped($"upstream '{d.FailedRoot ?? d.Name}' failed", d.FailedRoot ?? d.Name);
            if (d.Status == RunStatus.Skipped && d.FailedRoot is not null)
                return Skipped($"upstream '{d.FailedRoot}' failed", d.FailedRoot);
        }
        foreach (var c in step.Conditions)
        {
            if (c.Step is not null && upstream(c.Step).Status is null) continue; // decided when that step has finished
            if (Holds(c, upstream, out var why)) continue;
            // A failed evaluation gate explains itself: "gate: accuracy 0.84 < 0.90".
            if (c.Step is not null && upstream(c.Step).Reason is { } r && r.StartsWith("gate: ", StringComparison.Ordinal))
                return Skipped(r, null);
            return Skipped($"condition '{c}' is false{why}", null);
        }
        foreach (var d in deps.Where(d => d.Status == RunStatus.Skipped))
            return Skipped($"upstream '{d.Name}' was skipped", null);
        return null;
    }

    /// <summary>Reuse a cached result, or run (with the key parts that changed since the step's latest run).</summary>
    internal Decision Cache(PlanStep step, IReadOnlyDictionary<string, string> parts)
    {
        if (!step.AllowReuse) return Decision.Run("reuse disabled for this step");
        if (force) return Decision.Run("--force");
        if (FindReusable(CacheKeys.Key(parts)) is { } hit) return new Decision(StepDecision.Reuse, "unchanged", [], hit);
        var latest = workspace.Cache.Latest(plan.Pipeline, step.Name);
        return latest is null ? Decision.Run("no earlier run") : Decision.Run("cache key changed", CacheKeys.Explain(latest.KeyParts, parts));
    }

    private RunInfo? FindReusable(string key)
    {
        var entry = workspace.Cache.Find(key);
        if (entry is null) return null;
        var run = workspace.Runs.FindRun(entry.RunId);
        // A deleted run (or one of a deleted experiment) is not reused: deleting a run says its results are not wanted.
        return run is { Status: RunStatus.Completed, DeletedAt: null } ? run : null;
    }

    private bool Holds(PlanCondition c, Func<string, UpstreamView> upstream, out string why)
    {
        why = "";
        bool value;
        if (c.Step is not null)
        {
            var d = upstream(c.Step);
            value = c.Outcome == "succeeded"
                ? d.Status == RunStatus.Completed
                : d.Outcomes.TryGetValue(c.Outcome ?? "", out var v) && v == "true";
            if (d.Status == RunStatus.Skipped) why = $" ('{d.Name}' was skipped)";
        }
        else
        {
            var p = plan.Parameters.FirstOrDefault(x => x.Name == c.Parameter);
            value = p is not null && string.Equals(p.Value, c.EqualsValue, StringComparison.OrdinalIgnoreCase);
        }
        return value != c.Negate;
    }

    private static Decision Skipped(string reason, string? root) => new(StepDecision.Skip, reason, [], null, root);
}
