using System.Text;

namespace MlPipelines.Pipelines;

/// <summary>
/// Base class of a pipeline definition. <see cref="Define"/> records steps on the builder it is given and does no I/O;
/// <see cref="Compiler.PipelineCompiler"/> turns the recorded graph into a validated <see cref="Plan.PipelinePlan"/>.
/// Public properties marked <see cref="ParameterAttribute"/> are the pipeline's parameters.
/// </summary>
public abstract class Pipeline
{
    /// <summary>The pipeline's name (used for the plan file, cache entries and experiment); default: the class name without a "Pipeline" suffix, in kebab-case.</summary>
    public virtual string Name => DefaultName(GetType().Name);

    /// <summary>Records the steps of the pipeline.</summary>
    protected abstract void Define(PipelineBuilder p);

    internal void DefineInto(PipelineBuilder builder) => Define(builder);

    internal static string DefaultName(string typeName)
    {
        var n = typeName.EndsWith("Pipeline", StringComparison.Ordinal) && typeName.Length > "Pipeline".Length ? typeName[..^"Pipeline".Length] : typeName;
        var sb = new StringBuilder();
        for (var i = 0; i < n.Length; i++)
        {
            if (char.IsUpper(n[i]) && i > 0 && (char.IsLower(n[i - 1]) || (i + 1 < n.Length && char.IsLower(n[i + 1])))) sb.Append('-');
            sb.Append(char.ToLowerInvariant(n[i]));
        }
        return sb.ToString();
    }
}

/// <summary>Marks a public settable property of a <see cref="Pipeline"/> as a parameter (string, int, long, double, bool or an enum).</summary>
/// <param name="description">Shown by <c>--help</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ParameterAttribute(string description) : Attribute
{
    /// <summary>What the parameter controls.</summary>
    public string Description { get; } = description;
}
