using MlPipelines.Core.Naming;
using MlPipelines.Pipelines.Parameters;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>Checks a recorded definition and collects every problem (nothing stops at the first one).</summary>
internal sealed class DefinitionValidator(PipelineBuilder builder, IReadOnlyList<ParameterDescriptor> parameters, IReadOnlyList<string> computes,
    IReadOnlyList<Plan.PlanEnvironment> registered, List<string> errors)
{
    private static readonly string[] Operators = [">=", ">", "<=", "<", "==", "!="];
    private readonly HashSet<Step> _steps = [.. builder.Steps];

    internal void Validate()
    {
        ValidateNames();
        var environments = ValidateEnvironments();
        var unique = builder.Steps.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() == 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var step in builder.Steps) ValidateStep(step, environments);
        var edges = builder.Steps.Where(s => unique.Contains(s.Name))
            .ToDictionary(s => s.Name, s => (IReadOnlyList<string>)StepGraph.Dependencies(s).Where(unique.Contains).ToList(), StringComparer.Ordinal);
        foreach (var cycle in CycleFinder.Find(builder.Steps.Select(s => s.Name).Where(unique.Contains).ToList(), edges))
            errors.Add($"Steps form a cycle: {cycle}.");
    }

    private void ValidateNames()
    {
        foreach (var s in builder.Steps) Check(() => Names.Validate("step", s.Name));
        foreach (var g in builder.Steps.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            errors.Add($"Step '{g.Key}' is defined {g.Count()} times; step names must be unique.");
        foreach (var d in builder.DataSources.DistinctBy(d => d.Name)) Check(() => Names.Validate("data", d.Name));
        foreach (var g in builder.DataSources.GroupBy(d => d.Name, StringComparer.Ordinal).Where(g => g.Distinct().Count() > 1))
            errors.Add($"Data '{g.Key}' is declared more than once with different sources.");
        foreach (var d in builder.DataSources.Where(d => d.Path is not null && string.IsNullOrWhiteSpace(d.Path)))
            errors.Add($"Data '{d.Name}' has an empty path.");
    }

    private HashSet<string> ValidateEnvironments()
    {
        var names = new HashSet<string>(EnvironmentCatalog.Curated.Keys, StringComparer.Ordinal);
        foreach (var e in builder.DeclaredEnvironments)
        {
            Check(() => Names.Validate("environment", e.Name));
            if (!names.Add(e.Name))
                errors.Add(EnvironmentCatalog.Curated.ContainsKey(e.Name)
                    ? $"Environment '{e.Name}' is a curated environment; declare yours under another name."
                    : $"Environment '{e.Name}' is declared more than once.");
            Check(() => EnvironmentCatalog.ForDeclared(e));
        }
        foreach (var r in registered) names.Add(r.Name);
        return names;
    }

    private void ValidateStep(Step s, HashSet<string> environments)
    {
        var q = $"Step '{s.Name}'";
        foreach (var a in StepGraph.ArtifactsOf(s))
        {
            if (a.Owner != builder) errors.Add($"{q} uses artifact '{a.Name}' from another pipeline definition.");
            else if (a.Producer is { } p && !_steps.Contains(p)) errors.Add($"{q} consumes output '{a.Name}' of step '{p.Name}', which is not part of this pipeline.");
        }
        foreach (var a in StepGraph.InputArtifacts(s).Where(a => a.Producer == s))
            errors.Add($"{q} consumes its own output '{a.Name}' before producing it.");
        foreach (var a in StepGraph.InputArtifacts(s).Where(a => a.Producer is { } p && p != s && !p.Produces(a.Name)).DistinctBy(a => a.Key))
            errors.Add($"{q} consumes output '{a.Name}' of step '{a.Producer!.Name}', which '{a.Producer.Name}' does not declare; its outputs: " +
                       $"{List(a.Producer.DeclaredOutputs.Keys.Where(a.Producer.Produces).Order(StringComparer.Ordinal))}.");
        foreach (var d in s.DependsOnSteps.Concat(s.Conditions.Select(c => c.Step)).OfType<Step>())
        {
            if (d == s) errors.Add($"Steps form a cycle: {s.Name} → {s.Name}.");
            else if (!_steps.Contains(d)) errors.Add($"{q} depends on step '{d.Name}', which is not part of this pipeline.");
        }
        if (s.DependsOnNames.Contains(s.Name)) errors.Add($"Steps form a cycle: {s.Name} → {s.Name}.");
        foreach (var n in s.DependsOnNames.Where(n => builder.Steps.All(x => x.Name != n)))
            errors.Add($"{q} depends on unknown step '{n}'; available: {List(builder.Steps.Select(x => x.Name).Where(x => x != s.Name))}.");
        foreach (var p in StepGraph.ParamsOf(s).Select(p => p.Name).Distinct().Where(n => parameters.All(d => d.Name != n)))
            errors.Add($"{q} uses unknown parameter '{p}'; {(parameters.Count == 0 ? "the pipeline has no parameters" : "available: " + List(parameters.Select(d => d.Name)))}.");
        errors.AddRange(s.OutputConflicts);

        if (s is CommandStep or TrainStep && s.CommandArgs is null)
            errors.Add($"{q} has no command; call .Command(program, args…).");
        if (s.CommandArgs is { } cmd && cmd[0].Parts is [string prog] && string.IsNullOrWhiteSpace(prog))
            errors.Add($"{q} has an empty program name.");
        var compute = s.ComputeName ?? (s.UsesCompute ? "local" : null);
        if (compute is not null && !computes.Contains(compute))
            errors.Add($"{q} uses unknown compute '{compute}'; available: {List(computes)}.");
        if (s.EnvironmentName is { } env && !environments.Contains(env))
            errors.Add($"{q} uses unknown environment '{env}'; available: {List(environments.Order(StringComparer.Ordinal))}.");
        if (s.Retries is < 0 or > 100) errors.Add($"{q} has {s.Retries} retries; expected 0–100.");
        if (s.RetryBackoff < TimeSpan.Zero) errors.Add($"{q} has a negative retry backoff.");
        if (s.TimeoutValue is { } t && t <= TimeSpan.Zero) errors.Add($"{q} has a timeout of {t}; expected a positive duration.");
        if (s.ResourcesValue is { } r && (r.Cpus is < 1 || r.MemoryMb is < 1 || r.Gpus is < 0))
            errors.Add($"{q} asks for {r.Cpus?.ToString() ?? "default"} cpus, {r.MemoryMb?.ToString() ?? "default"} MiB, {r.Gpus?.ToString() ?? "default"} gpus; expected cpus and memory of 1 or more and gpus of 0 or more.");
        if (s.ResourcesValue is not null && !s.UsesCompute) errors.Add($"{q} runs in the pipeline's own process; only steps that run a command take .Resources(…).");
        ValidateKind(s, q);
    }

    private void ValidateSweep(SweepStep w, string q)
    {
        foreach (var e in w.SpaceErrors) errors.Add($"{q}: {e}.");
        if (w.TrialSets.Count == 0) errors.Add($"{q} has no trials; give .Grid(…), .Random(…) or .Trials(…).");
        if (w.TrialSets.Count > 10_000) errors.Add($"{q} has {w.TrialSets.Count} trials; the limit is 10000.");
        if (w.MaxConcurrentTrials < 1) errors.Add($"{q} runs {w.MaxConcurrentTrials} trials at once; expected 1 or more.");
        if (w.ObjectiveMetric is null) errors.Add($"{q} has no objective; give .Objective(\"metric\", SweepGoal.Minimize or Maximize).");
        else Check(() => Names.ValidateKey("metric", w.ObjectiveMetric));
        if (w.Median is { } m && (m.IntervalSeconds < 1 || m.DelayEvaluations < 0)) errors.Add($"{q}: median stopping needs an interval of 1 s or more and a delay of 0 or more.");
        var used = (w.CommandArgs ?? []).SelectMany(a => a.Parts).OfType<string>()
            .SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, @"\$\{trial\.([^}]+)\}").Select(x => x.Groups[1].Value)).Distinct().ToList();
        foreach (var name in used)
        {
            var missing = w.TrialSets.FindIndex(t => !t.ContainsKey(name));
            if (missing >= 0) errors.Add($"{q} uses '${{trial.{name}}}', which trial {missing} does not set; it sets {string.Join(", ", w.TrialSets[missing].Keys.Select(k => $"'{k}'"))}.");
        }
        foreach (var key in w.TrialSets.SelectMany(t => t.Keys).Distinct().Where(k => !System.Text.RegularExpressions.Regex.IsMatch(k, "^[A-Za-z_][A-Za-z0-9_]*$")))
            errors.Add($"{q}: trial parameter '{key}' must be letters, digits and '_' (it is also the variable MLP_TRIAL_{key.ToUpperInvariant()}).");
    }

    private void ValidateKind(Step s, string q)
    {
        switch (s)
        {
            case SweepStep w:
                ValidateSweep(w, q);
                break;
            case EvaluateStep e:
                if (e.PredictionsInput is null && e.CommandArgs is null)
                    errors.Add($"{q} uses the built-in evaluator but has no predictions; add .Predictions(train.Outputs.File(\"predictions\")) or use .Command(…) for your own evaluator.");
                foreach (var (metric, op, _) in e.Requirements.Where(r => !Operators.Contains(r.Op)))
                    errors.Add($"{q} requires '{metric}' with unknown operator '{op}'; expected one of {string.Join(", ", Operators)}.");
                foreach (var m in e.Requirements.Select(r => r.Metric).Concat(e.Baselines.Select(b => b.Metric)).Distinct()) Check(() => Names.ValidateKey("metric", m), q);
                foreach (var (baseline, _, _) in e.Baselines.Where(b => !IsModelRef(b.Baseline)))
                    errors.Add($"{q} compares with baseline '{baseline}'; expected 'model@alias' or 'model:version'.");
                break;
            case RegisterStep r:
                Check(() => Names.Validate("model", r.ModelName), q);
                foreach (var a in r.Aliases) Check(() => Names.Validate("alias", a), q);
                break;
            case PromoteStep p:
                Check(() => Names.Validate("alias", p.AliasName), q);
                break;
            case DeployStep d:
                Check(() => Names.Validate("endpoint", d.EndpointName), q);
                Check(() => Names.Validate("deployment", d.DeploymentName), q);
                if (d.Traffic is < 0 or > 100) errors.Add($"{q} sends {d.Traffic}% of the traffic; expected 0–100.");
                if (d.Stages.Count > 0 && (d.Stages.Any(x => x is < 1 or > 100) || !d.Stages.SequenceEqual(d.Stages.Order()) || d.Stages[^1] != d.Traffic))
                    errors.Add($"{q} has traffic stages {string.Join(", ", d.Stages)}; expected ascending percentages (1–100) ending at {d.Traffic}.");
                break;
        }
    }

    private static bool IsModelRef(string s)
    {
        var at = s.IndexOf('@');
        var colon = s.IndexOf(':');
        if (at > 0) return Names.IsValid(s[..at]) && Names.IsValid(s[(at + 1)..]);
        return colon > 0 && Names.IsValid(s[..colon]) && int.TryParse(s[(colon + 1)..], out var v) && v > 0;
    }

    private void Check(Action validate, string? prefix = null)
    {
        try { validate(); }
        catch (Core.Errors.MlpException e) { errors.Add(prefix is null ? e.Message : $"{prefix}: {e.Message}"); }
    }

    private static string List(IEnumerable<string> names)
    {
        var l = names.Select(n => $"'{n}'").ToList();
        return l.Count == 0 ? "(none)" : string.Join(", ", l);
    }
}
