namespace MlPipelines.Core.Errors;

/// <summary>
/// The one user-facing exception type of MlPipelines. Its message is written for the user: it quotes names
/// ('train'), lists what was available and says what was expected.
/// </summary>
public sealed class MlpException : Exception
{
    /// <summary>Creates an error of the given kind.</summary>
    public MlpException(ErrorKind kind, string message, Exception? inner = null) : base(message, inner) => Kind = kind;

    /// <summary>What kind of failure this is.</summary>
    public ErrorKind Kind { get; }

    /// <summary>Further messages when several problems were found at once (e.g. all validation errors of a pipeline).</summary>
    public IReadOnlyList<string> Details { get; init; } = [];

    /// <summary>Bad user input.</summary>
    public static MlpException Invalid(string message) => new(ErrorKind.InvalidInput, message);

    /// <summary>Several input problems found at once, reported together.</summary>
    public static MlpException Invalid(string summary, IReadOnlyList<string> details) =>
        new(ErrorKind.InvalidInput, details.Count == 0 ? summary : summary + Environment.NewLine + string.Join(Environment.NewLine, details.Select(d => "  - " + d)))
        { Details = details };

    /// <summary>A named thing does not exist; lists what does.</summary>
    public static MlpException NotFound(string kind, string name, IEnumerable<string> available)
    {
        var list = available.Take(50).Select(a => $"'{a}'").ToList();
        var tail = list.Count == 0 ? $"there are no {kind}s yet" : $"available: {string.Join(", ", list)}";
        return new(ErrorKind.NotFound, $"Unknown {kind} '{name}'; {tail}.");
    }

    /// <summary>The request conflicts with current state.</summary>
    public static MlpException Conflict(string message) => new(ErrorKind.Conflict, message);

    /// <summary>Something ran and failed.</summary>
    public static MlpException Failed(string message, Exception? inner = null) => new(ErrorKind.Failed, message, inner);

    /// <summary>An external service is not reachable.</summary>
    public static MlpException Unavailable(string message, Exception? inner = null) => new(ErrorKind.Unavailable, message, inner);
}
