using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Pipelines.Parameters;
using MlPipelines.Pipelines.Plan;

namespace MlPipelines.Pipelines.Compiler;

/// <summary>Options of a compilation.</summary>
public sealed record CompileOptions
{
    /// <summary>Parameter values to bind (defaults are used for the rest).</summary>
    public ParameterInput Parameters { get; init; } = new();
    /// <summary>Compute target names available to steps.</summary>
    public IReadOnlyList<string> ComputeTargets { get; init; } = ["local"];
    /// <summary>
    /// Environments registered in the workspace (<c>mlp environment create</c>), the newest version of each name; steps
    /// may name them besides the curated and declared ones, and the plan records the definition it compiled against.
    /// </summary>
    public IReadOnlyList<Plan.PlanEnvironment> Environments { get; init; } = [];
}

/// <summary>A compiled pipeline: the plan, plus the delegates of its code steps (by step name) for the host to run.</summary>
/// <param name="Plan">The validated plan.</param>
/// <param name="CodeSteps">Code step delegates by step name.</param>
public sealed record CompiledPipeline(PipelinePlan Plan, IReadOnlyDictionary<string, Func<CodeContext, Task>> CodeSteps);

/// <summary>Validates a pipeline definition and compiles it into a <see cref="PipelinePlan"/>.</summary>
public static class PipelineCompiler
{
    /// <summary>
    /// Binds parameters into <paramref name="pipeline"/>, records its definition and validates everything. All problems
    /// are reported together in one <see cref="MlpException"/> (kind InvalidInput) whose <see cref="MlpException.Details"/>
    /// lists them.
    /// </summary>
    public static CompiledPipeline Compile(Pipeline pipeline, CompileOptions? options = null)
    {
        options ??= new CompileOptions();
        var errors = new List<string>();
        var name = pipeline.Name;
        if (!Names.IsValid(name))
        {
            try { Names.Validate("pipeline", name); } catch (MlpException e) { errors.Add(e.Message); }
        }

        var descriptors = ParameterBinder.Describe(pipeline, errors);
        Bind(pipeline, descriptors, options.Parameters, errors);

        var builder = new PipelineBuilder(name);
        pipeline.DefineInto(builder);
        new DefinitionValidator(builder, descriptors, options.ComputeTargets, options.Environments, errors).Validate();
        if (errors.Count > 0)
            throw MlpException.Invalid($"Pipeline '{name}' is invalid ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):", errors.Distinct().ToList());

        var plan = PlanWriter.Write(builder, ParameterBinder.ToPlan(descriptors, pipeline), options.Environments);
        var code = builder.Steps.OfType<CodeStep>().ToDictionary(s => s.Name, s => s.Body, StringComparer.Ordinal);
        return new CompiledPipeline(plan, code);
    }

    /// <summary>The parameters of a pipeline (name, type, default, description) without compiling it, e.g. for <c>--help</c>.</summary>
    public static IReadOnlyList<PlanParameter> DescribeParameters(Pipeline pipeline)
    {
        var errors = new List<string>();
        var d = ParameterBinder.Describe(pipeline, errors);
        return ParameterBinder.ToPlan(d, pipeline);
    }

    private static void Bind(Pipeline pipeline, IReadOnlyList<ParameterDescriptor> descriptors, ParameterInput input, List<string> errors)
    {
        foreach (var (paramName, (text, source)) in input.Collect(descriptors, errors))
        {
            var d = descriptors.First(x => x.Name == paramName);
            if (ParameterBinder.TryParse(d, text, out var value, out var expected)) ParameterBinder.Assign(d, pipeline, value);
            else errors.Add($"Parameter '{d.Name}' has invalid value '{text}' (from {source}); expected {expected}.");
        }
    }
}
