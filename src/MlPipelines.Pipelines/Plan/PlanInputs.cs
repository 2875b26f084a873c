using System.Text.Json.Serialization;

namespace MlPipelines.Pipelines.Plan;

/// <summary>A step input: its key (data name, <c>step.output</c> or <c>params.NAME</c>), type and typed source.</summary>
/// <param name="Name">The input key, as used by placeholders (<c>${inputs.KEY}</c>).</param>
/// <param name="Type">dataset, file, folder, model, metrics, registered-model, image, deployment or parameter.</param>
/// <param name="Source">Where the value comes from.</param>
public sealed record PlanInput(string Name, string Type, PlanSource Source);

/// <summary>Where an input comes from: a dataset of the plan, an output of another step, or a parameter (discriminator <c>from</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "from")]
[JsonDerivedType(typeof(DatasetSource), "dataset")]
[JsonDerivedType(typeof(StepOutputSource), "step")]
[JsonDerivedType(typeof(ParameterSource), "parameter")]
public abstract record PlanSource;

/// <summary>A dataset of the plan's <c>data</c> section.</summary>
/// <param name="Dataset">Its name.</param>
public sealed record DatasetSource(string Dataset) : PlanSource
{
    /// <summary><c>data:NAME</c>.</summary>
    public override string ToString() => $"data:{Dataset}";
}

/// <summary>An output of another step.</summary>
/// <param name="Step">The producing step.</param>
/// <param name="Output">The output's name.</param>
public sealed record StepOutputSource(string Step, string Output) : PlanSource
{
    /// <summary><c>step:STEP/OUTPUT</c>.</summary>
    public override string ToString() => $"step:{Step}/{Output}";
}

/// <summary>A pipeline parameter (its value is part of the step's cache key).</summary>
/// <param name="Parameter">The parameter name.</param>
public sealed record ParameterSource(string Parameter) : PlanSource
{
    /// <summary><c>params.NAME</c>.</summary>
    public override string ToString() => $"params.{Parameter}";
}

/// <summary>A step output and its type.</summary>
public sealed record PlanOutput(string Name, string Type);

/// <summary>A condition: a step outcome (<c>passed</c>, <c>succeeded</c>) or a parameter value; optionally negated.</summary>
public sealed record PlanCondition(string? Step, string? Outcome, string? Parameter, string? EqualsValue, bool Negate)
{
    /// <summary>Readable form used in skip reasons.</summary>
    public override string ToString() =>
        (Negate ? "not " : "") + (Step is not null ? $"{Step}.{Outcome}" : $"params.{Parameter} == {EqualsValue}");
}
