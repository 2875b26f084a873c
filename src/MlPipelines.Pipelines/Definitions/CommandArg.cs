using System.Globalization;
using System.Runtime.CompilerServices;

namespace MlPipelines.Pipelines;

/// <summary>
/// One argument of a step command: literal text mixed with artifact and parameter placeholders. Strings, artifacts and
/// parameters convert implicitly; use <see cref="Format"/> to embed placeholders inside text (<c>$"--data={data}"</c>).
/// </summary>
public sealed class CommandArg
{
    internal CommandArg(IReadOnlyList<object> parts) => Parts = parts;

    /// <summary>Literal strings, <see cref="ArtifactRef"/>s and <see cref="ParamRef"/>s, in order.</summary>
    internal IReadOnlyList<object> Parts { get; }

    /// <summary>A literal argument.</summary>
    public static implicit operator CommandArg(string literal) => new([literal]);

    /// <summary>An argument that becomes the artifact's path at run time.</summary>
    public static implicit operator CommandArg(ArtifactRef artifact) => new([artifact]);

    /// <summary>An argument that becomes the parameter's value at run time.</summary>
    public static implicit operator CommandArg(ParamRef parameter) => new([parameter]);

    /// <summary>An argument built from an interpolated string whose holes may be artifacts or parameters.</summary>
    public static CommandArg Format(CommandArgInterpolation text) => new(text.Parts);
}

/// <summary>Interpolated-string handler behind <see cref="CommandArg.Format"/>.</summary>
[InterpolatedStringHandler]
public readonly struct CommandArgInterpolation
{
    private readonly List<object> _parts;

    /// <summary>Created by the compiler for an interpolated string.</summary>
    public CommandArgInterpolation(int literalLength, int formattedCount) => _parts = new List<object>(formattedCount * 2 + 1);

    internal IReadOnlyList<object> Parts => _parts ?? [];

    /// <summary>Appends literal text.</summary>
    public void AppendLiteral(string s) => _parts.Add(s);

    /// <summary>Appends an artifact placeholder.</summary>
    public void AppendFormatted(ArtifactRef artifact) => _parts.Add(artifact);

    /// <summary>Appends a parameter placeholder.</summary>
    public void AppendFormatted(ParamRef parameter) => _parts.Add(parameter);

    /// <summary>Appends any other value, formatted with the invariant culture.</summary>
    /// <remarks>A typed artifact (<c>ModelArtifact</c>, <c>Metrics</c>…) binds here rather than to the <see cref="ArtifactRef"/>
    /// overload, so it is recognised here too: it must stay a placeholder with its producer, not become text.</remarks>
    public void AppendFormatted<T>(T value) => _parts.Add(value switch
    {
        ArtifactRef a => a,
        ParamRef p => p,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    });
}

/// <summary>A reference to a pipeline parameter: usable as a command argument (<c>${params.Name}</c>) or in conditions.</summary>
public sealed class ParamRef
{
    internal ParamRef(PipelineBuilder owner, string name)
    {
        Owner = owner;
        Name = name;
    }

    internal PipelineBuilder Owner { get; }
    /// <summary>The parameter name.</summary>
    public string Name { get; }

    /// <summary>Condition: the (bool) parameter is true.</summary>
    public Condition IsTrue => Condition.ForParameter(this, "true");

    /// <summary>Condition: the parameter's value equals <paramref name="value"/> (compared as invariant text).</summary>
    public Condition Is(object value) => Condition.ForParameter(this, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");

    /// <summary>The placeholder text, e.g. <c>${params.MinAccuracy}</c>.</summary>
    public override string ToString() => "${params." + Name + "}";
}

/// <summary>When a step runs: an outcome of another step (<c>eval.Passed</c>, <c>step.Succeeded</c>) or a parameter value. Negate with <c>!</c>.</summary>
public sealed class Condition
{
    private Condition(Step? step, string? outcome, ParamRef? parameter, string? equals, bool negate)
    {
        Step = step;
        Outcome = outcome;
        Parameter = parameter;
        EqualsValue = equals;
        Negate = negate;
    }

    internal Step? Step { get; }
    internal string? Outcome { get; }
    internal ParamRef? Parameter { get; }
    internal string? EqualsValue { get; }
    internal bool Negate { get; }

    internal static Condition ForOutcome(Step step, string outcome) => new(step, outcome, null, null, false);
    internal static Condition ForParameter(ParamRef parameter, string equals) => new(null, null, parameter, equals, false);

    /// <summary>The negated condition.</summary>
    public static Condition operator !(Condition c) => new(c.Step, c.Outcome, c.Parameter, c.EqualsValue, !c.Negate);

    /// <summary>Readable form, e.g. <c>evaluate.passed</c> or <c>params.Deploy == true</c>.</summary>
    public override string ToString() =>
        (Negate ? "not " : "") + (Step is not null ? $"{Step.Name}.{Outcome}" : $"params.{Parameter!.Name} == {EqualsValue}");
}
