using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>Turns a validated definition into plan records in a stable order.</summary>
internal static class PlanWriter
{
    internal static PipelinePlan Write(PipelineBuilder b, IReadOnlyList<PlanParameter> parameters)
    {
        var steps = TopologicalOrder(b.Steps).Select(ToPlan).ToList();
        var used = steps.Select(s => s.Environment).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var envs = b.DeclaredEnvironments.Select(EnvironmentCatalog.ForDeclared)
            .Concat(used.Where(EnvironmentCatalog.Curated.ContainsKey).Select(EnvironmentCatalog.ForCurated))
            .OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        return new PipelinePlan
        {
            Pipeline = b.PipelineName,
            Parameters = parameters,
            Data = b.DataSources.DistinctBy(d => d.Name).OrderBy(d => d.Name, StringComparer.Ordinal).Select(d => new PlanData(d.Name, d.Path, d.Version)).ToList(),
            Environments = envs,
            Steps = steps,
        };
    }

    private static PlanStep ToPlan(Step s)
    {
        var inputs = StepGraph.InputArtifacts(s)
            .Select(a => new PlanInput(a.Key, a.TypeName, a.Producer is null ? $"data:{a.Name}" : $"step:{a.Producer.Name}/{a.Name}"))
            .DistinctBy(i => i.Name).OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
        return new PlanStep
        {
            Name = s.Name,
            Kind = s.Kind,
            DependsOn = StepGraph.Dependencies(s),
            Conditions = s.Conditions.Select(c => new PlanCondition(c.Step?.Name, c.Outcome, c.Parameter?.Name, c.EqualsValue, c.Negate)).ToList(),
            Inputs = inputs,
            Outputs = s.DeclaredOutputs.Values.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => new PlanOutput(o.Name, o.TypeName)).ToList(),
            Parameters = StepGraph.ParamsOf(s).Select(p => p.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            Command = s.CommandArgs?.Select(a => Render(a, s)).ToList(),
            Code = s is CodeStep ? s.Name : null,
            Environment = s.EnvironmentName,
            Compute = s.ComputeName ?? (s.UsesCompute ? "local" : null),
            Retries = s.Retries,
            RetryBackoffSeconds = s.Retries > 0 ? s.RetryBackoff.TotalSeconds : 0,
            TimeoutSeconds = s.TimeoutValue?.TotalSeconds,
            AllowReuse = s.Reuse ?? s.ReuseByDefault,
            Settings = s.Settings.Count > 0 ? s.Settings : null,
            Evaluate = s is EvaluateStep e ? new EvaluateSettings(e.ModelInput.Key, e.DataInput.Key, e.PredictionsInput?.Key, e.CommandArgs is null ? "builtin" : "command")
            {
                Requirements = e.Requirements.Select(r => new MetricRequirement(r.Metric, r.Op, r.Value)).ToList(),
                BetterThan = e.Baselines.Select(x => new BaselineComparison(x.Baseline, x.Metric, x.MinDelta)).ToList(),
            } : null,
            Register = s is RegisterStep r ? new RegisterSettings(r.ModelInput.Key, r.ModelName) { Aliases = r.Aliases.ToList(), Tags = r.Tags } : null,
            Promote = s is PromoteStep p ? new PromoteSettings(p.ModelInput.Key, p.AliasName) : null,
            Image = s is ImageStep i ? new ImageSettings(i.ModelInput.Key) : null,
            Deploy = s is DeployStep d ? new DeploySettings(d.ImageInput.Key, d.EndpointName, d.DeploymentName, d.Traffic, d.TargetName) { Stages = d.Stages.ToList() } : null,
        };
    }

    private static string Render(CommandArg arg, Step owner) => string.Concat(arg.Parts.Select(part => part switch
    {
        ArtifactRef a when a.Producer == owner => "${outputs." + a.Name + "}",
        ArtifactRef a => "${inputs." + a.Key + "}",
        ParamRef p => "${params." + p.Name + "}",
        string s => s,
        _ => part.ToString(),
    }));

    /// <summary>Kahn's algorithm; among ready steps the one defined first goes first, so the order is stable.</summary>
    private static List<Step> TopologicalOrder(List<Step> steps)
    {
        var index = steps.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        var remaining = steps.ToDictionary(s => s.Name, s => StepGraph.Dependencies(s).Count(index.ContainsKey), StringComparer.Ordinal);
        var dependants = steps.SelectMany(s => StepGraph.Dependencies(s).Select(d => (d, s.Name))).ToLookup(x => x.d, x => x.Name, StringComparer.Ordinal);
        var ready = new PriorityQueue<Step, int>();
        foreach (var s in steps.Where(s => remaining[s.Name] == 0)) ready.Enqueue(s, index[s.Name]);
        var result = new List<Step>(steps.Count);
        while (ready.TryDequeue(out var s, out _))
        {
            result.Add(s);
            foreach (var d in dependants[s.Name])
                if (--remaining[d] == 0) ready.Enqueue(steps[index[d]], index[d]);
        }
        return result;
    }
}
