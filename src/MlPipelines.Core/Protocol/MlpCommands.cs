namespace MlPipelines.Core.Protocol;

/// <summary>A command read from a <c>##mlp[...]</c> line of a run's output.</summary>
public abstract record MlpCommand(string Name);

/// <summary><c>##mlp[metric name=accuracy step=3]0.93</c>; <see cref="Step"/> is null when the line gave none.</summary>
public sealed record MetricCommand(string Name, double Value, long? Step) : MlpCommand(Name);

/// <summary><c>##mlp[param name=lr]0.1</c></summary>
public sealed record ParamCommand(string Name, string Value) : MlpCommand(Name);

/// <summary><c>##mlp[tag name=k]v</c></summary>
public sealed record TagCommand(string Name, string Value) : MlpCommand(Name);

/// <summary><c>##mlp[output name=model]relative/path</c>: a file or folder (relative to the output folder) to keep.</summary>
public sealed record OutputCommand(string Name, string Path) : MlpCommand(Name);

/// <summary><c>##mlp[table name=confusion]{json}</c>: JSON rows.</summary>
public sealed record TableCommand(string Name, string RowsJson) : MlpCommand(Name);

/// <summary><c>##mlp[image name=roc]relative/path.png</c>: a PNG or SVG file (relative to the output folder).</summary>
public sealed record ImageCommand(string Name, string Path) : MlpCommand(Name);

/// <summary>
/// The outcome of reading one protocol line: a command, or a warning (the line is malformed; it stays in the log and
/// the run goes on). Lines that are not protocol lines give no result at all.
/// </summary>
public sealed record MlpLineResult(MlpCommand? Command, string? Warning)
{
    /// <summary>A successfully parsed command.</summary>
    public static MlpLineResult Ok(MlpCommand command) => new(command, null);

    /// <summary>A malformed line, with a message quoting it.</summary>
    public static MlpLineResult Warn(string line, string reason) => new(null, $"Ignored malformed ##mlp line ({reason}): {line}");
}
