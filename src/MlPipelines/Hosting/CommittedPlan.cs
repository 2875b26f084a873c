using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Pipelines;
using MlPipelines.Pipelines.Parameters;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Hosting;

/// <summary>The plan a <c>run</c> executes, the code step delegates bound to it by name, and tags saying where it came from.</summary>
internal sealed record PlanToRun(PipelinePlan Plan, IReadOnlyDictionary<string, Func<CodeContext, Task>> CodeSteps, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// Loads the committed <c>&lt;name&gt;.plan.json</c> for <c>run</c> and checks it against the definition: the plan is the
/// contract, so a plan that differs from what the definition compiles to is an error naming the steps that differ and
/// the command that fixes it, unless <c>--allow-stale-plan</c> asks to run the in-memory definition (recorded in tags).
/// </summary>
internal static class CommittedPlan
{
    /// <summary>Tag on the pipeline run: <c>committed</c> or <c>stale-allowed</c>.</summary>
    public const string SourceTag = "mlp.plan";
    /// <summary>Tag on the pipeline run: SHA-256 of the committed plan file.</summary>
    public const string HashTag = "mlp.plan.hash";
    /// <summary>Tag on the pipeline run with <c>--allow-stale-plan</c>: what differed.</summary>
    public const string StaleTag = "mlp.plan.stale";

    public static PlanToRun Resolve(PipelineHost host, ParameterInput parameters, bool allowStale, WorkspaceCatalog catalog)
    {
        // The committed plan is compiled with default parameter values; the run binds the values it is given.
        var definition = host.Compile(new ParameterInput(), catalog);
        var bound = host.Compile(parameters, catalog);
        var (committed, text, problem) = Load(host.PlanPath);
        if (problem is not null)
        {
            if (!allowStale) throw MlpException.Invalid($"{problem}. {Fix(host)}");
            return Stale(bound, problem);
        }
        var diff = PlanDiff.Between(committed!, definition.Plan);
        if (!diff.IsEmpty)
        {
            var why = $"The committed plan '{Show(host.PlanPath)}' is stale: {diff}";
            if (!allowStale) throw MlpException.Invalid($"{why}. {Fix(host)}");
            return Stale(bound, diff.ToString());
        }

        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [SourceTag] = "committed", [HashTag] = ContentHash.OfText(text!) };
        // Parameters reach steps through ${params.X} placeholders, so the committed steps run as they are with the
        // given values; a definition that bakes a value into a step (e.g. a gate threshold) gets that step rebound.
        var rebound = PlanDiff.Between(committed!, bound.Plan);
        if (rebound.Steps.Count == 0) return new PlanToRun(committed! with { Parameters = bound.Plan.Parameters }, bound.CodeSteps, tags);
        tags["mlp.plan.rebound"] = string.Join(",", rebound.Steps);
        return new PlanToRun(bound.Plan, bound.CodeSteps, tags);
    }

    private static PlanToRun Stale(Pipelines.Compiler.CompiledPipeline bound, string why) =>
        new(bound.Plan, bound.CodeSteps, new Dictionary<string, string>(StringComparer.Ordinal) { [SourceTag] = "stale-allowed", [StaleTag] = why });

    private static (PipelinePlan? Plan, string? Text, string? Problem) Load(string path)
    {
        if (!File.Exists(path)) return (null, null, $"There is no committed plan at '{Show(path)}'");
        var text = File.ReadAllText(path);
        try { return (PipelinePlan.FromJson(text), text, null); }
        catch (MlpException e) { return (null, null, $"The committed plan '{Show(path)}' cannot be read ({e.Message.TrimEnd('.')})"); }
    }

    /// <summary>The command that rewrites the plan: <c>dotnet run --project pipelines/Iris -- compile</c>.</summary>
    public static string FixCommand(PipelineHost host) => $"dotnet run --project {Show(host.PlanDirectory)} -- compile";

    private static string Fix(PipelineHost host) =>
        $"Run '{FixCommand(host)}' and commit the plan (or pass --allow-stale-plan to run the definition as it is).";

    private static string Show(string path)
    {
        var rel = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return rel.StartsWith("..", StringComparison.Ordinal) && rel.Count(c => c == Path.DirectorySeparatorChar) > 2 ? path : rel;
    }
}
