using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>Turns a validated definition into plan records in a stable order.</summary>
internal static class PlanWriter
{
    internal static PipelinePlan Write(PipelineBuilder b, IReadOnlyList<PlanParameter> parameters, IReadOnlyList<PlanEnvironment> registered)
    {
        var steps = TopologicalOrder(b.Steps).Select(ToPlan).ToList();
        var used = steps.Select(s => s.Environment).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var declared = b.DeclaredEnvironments.Select(EnvironmentCatalog.ForDeclared).ToList();
        // Declared and curated names win over registered ones of the same name; registered ones appear only when used.
        var known = declared.Select(d => d.Name).Concat(EnvironmentCatalog.Curated.Keys).ToHashSet(StringComparer.Ordinal);
        var envs = declared
            .Concat(used.Where(EnvironmentCatalog.Curated.ContainsKey).Select(EnvironmentCatalog.ForCurated))
            .Concat(registered.Where(r => used.Contains(r.Name) && !known.Contains(r.Name)).DistinctBy(r => r.Name))
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
        var artifacts = StepGraph.InputArtifacts(s)
            .Select(a => new PlanInput(a.Key, a.TypeName, a.Producer is null ? new DatasetSource(a.Name) : new StepOutputSource(a.Producer.Name, a.Name)));
        var parameters = StepGraph.ParamsOf(s).Select(p => p.Name).Distinct(StringComparer.Ordinal)
            .Select(p => new PlanInput("params." + p, "parameter", new ParameterSource(p)));
        var step = KindOf(s) with
        {
            Name = s.Name,
            DependsOn = StepGraph.Dependencies(s),
            Conditions = s.Conditions.Select(c => new PlanCondition(c.Step?.Name, c.Outcome, c.Parameter?.Name, c.EqualsValue, c.Negate)).ToList(),
            Inputs = artifacts.Concat(parameters).DistinctBy(i => i.Name).OrderBy(i => i.Name, StringComparer.Ordinal).ToList(),
            Outputs = s.DeclaredOutputs.Values.OrderBy(o => o.Name, StringComparer.Ordinal).Select(o => new PlanOutput(o.Name, o.TypeName)).ToList(),
            Environment = s.EnvironmentName,
            Compute = s.ComputeName ?? (s.UsesCompute ? "local" : null),
            Retries = s.Retries,
            RetryBackoffSeconds = s.Retries > 0 ? s.RetryBackoff.TotalSeconds : 0,
            TimeoutSeconds = s.TimeoutValue?.TotalSeconds,
            Resources = s.ResourcesValue,
            AllowReuse = s.Reuse ?? s.ReuseByDefault,
            Settings = s.Settings.Count > 0 ? s.Settings : null,
        };
        return step with { Fingerprint = PlanFingerprint.Of(step) };
    }

    /// <summary>The typed record of the step's kind with its kind-specific fields (common fields are set by the caller).</summary>
    private static PlanStep KindOf(Step s)
    {
        var command = s.CommandArgs?.Select(a => Render(a, s)).ToList();
        return s switch
        {
            TrainStep => new TrainPlanStep { Name = s.Name, Command = command ?? [] },
            SweepStep w => new SweepPlanStep
            {
                Name = s.Name, Command = command ?? [], Trials = w.TrialSets, MaxConcurrent = w.MaxConcurrentTrials,
                Objective = w.ObjectiveMetric ?? "", Goal = w.Goal == SweepGoal.Maximize ? "maximize" : "minimize",
                EarlyTermination = w.Median is { } m ? new SweepEarlyTermination("median", m.IntervalSeconds, m.DelayEvaluations) : null,
            },
            CommandStep => new CommandPlanStep { Name = s.Name, Command = command ?? [] },
            CodeStep => new CodePlanStep { Name = s.Name, Code = s.Name },
            EvaluateStep e => new EvaluatePlanStep
            {
                Name = s.Name, Evaluator = command is null ? "builtin" : "command", Command = command,
                ModelInput = e.ModelInput.Key, DataInput = e.DataInput.Key, PredictionsInput = e.PredictionsInput?.Key,
                Requirements = e.Requirements.Select(r => new MetricRequirement(r.Metric, r.Op, r.Value)).ToList(),
                BetterThan = e.Baselines.Select(x => new BaselineComparison(x.Baseline, x.Metric, x.MinDelta)).ToList(),
            },
            RegisterStep r => new RegisterPlanStep { Name = s.Name, ModelInput = r.ModelInput.Key, ModelName = r.ModelName, Aliases = r.Aliases.ToList(), Tags = r.Tags },
            PromoteStep p => new PromotePlanStep { Name = s.Name, ModelInput = p.ModelInput.Key, Alias = p.AliasName },
            ImageStep i => new ImagePlanStep { Name = s.Name, ModelInput = i.ModelInput.Key },
            DeployStep d => new DeployPlanStep
            {
                Name = s.Name, ImageInput = d.ImageInput.Key, Endpoint = d.EndpointName, Deployment = d.DeploymentName, Traffic = d.Traffic,
                Target = d.TargetName, Stages = d.Stages.ToList(),
            },
            _ => throw Core.Errors.MlpException.Invalid($"Step '{s.Name}' has a kind the plan writer does not know ({s.GetType().Name})."),
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
