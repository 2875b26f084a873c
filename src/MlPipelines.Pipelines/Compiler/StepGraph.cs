namespace MlPipelines.Pipelines.Compiler;

/// <summary>What a recorded step refers to: artifacts, parameters and the steps it must wait for.</summary>
internal static class StepGraph
{
    /// <summary>Every artifact the step mentions (inputs and its own outputs used in its command).</summary>
    internal static IEnumerable<ArtifactRef> ArtifactsOf(Step s) =>
        (s.CommandArgs ?? []).SelectMany(a => a.Parts).OfType<ArtifactRef>().Concat(s.ExtraInputs).Concat(s.KindInputs);

    /// <summary>Artifacts the step reads (command placeholders of other steps' outputs and data, extra and kind inputs).</summary>
    internal static IEnumerable<ArtifactRef> InputArtifacts(Step s) =>
        (s.CommandArgs ?? []).SelectMany(a => a.Parts).OfType<ArtifactRef>().Where(a => a.Producer != s).Concat(s.ExtraInputs).Concat(s.KindInputs);

    internal static IEnumerable<ParamRef> ParamsOf(Step s) =>
        (s.CommandArgs ?? []).SelectMany(a => a.Parts).OfType<ParamRef>().Concat(s.ExtraParams)
            .Concat(s.Conditions.Select(c => c.Parameter).OfType<ParamRef>());

    /// <summary>Names of the steps this one waits for: explicit, data and condition edges (not itself), sorted.</summary>
    internal static IReadOnlyList<string> Dependencies(Step s) =>
        s.DependsOnSteps.Select(d => d.Name)
            .Concat(s.DependsOnNames)
            .Concat(InputArtifacts(s).Select(a => a.Producer).OfType<Step>().Select(p => p.Name))
            .Concat(s.Conditions.Select(c => c.Step).OfType<Step>().Select(p => p.Name))
            .Where(n => n != s.Name)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
}
