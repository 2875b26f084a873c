namespace MlPipelines.Core.Query;

/// <summary>What a field of the run query language refers to.</summary>
public enum FieldKind
{
    /// <summary><c>metrics.NAME</c>: the latest value of a metric (a number).</summary>
    Metric,
    /// <summary><c>params.NAME</c>: a parameter (text; compared as a number when the literal is a number).</summary>
    Param,
    /// <summary><c>tags.NAME</c>: a tag (text).</summary>
    Tag,
    /// <summary><c>attributes.NAME</c>: one of <see cref="RunAttributes.All"/>.</summary>
    Attribute,
}

/// <summary>A comparison operator.</summary>
public enum CompareOp
{
    /// <summary><c>=</c></summary>
    Eq,
    /// <summary><c>!=</c> (or <c>&lt;&gt;</c>)</summary>
    NotEq,
    /// <summary><c>&lt;</c></summary>
    Lt,
    /// <summary><c>&lt;=</c></summary>
    Le,
    /// <summary><c>&gt;</c></summary>
    Gt,
    /// <summary><c>&gt;=</c></summary>
    Ge,
    /// <summary><c>LIKE</c>: SQL pattern with <c>%</c> and <c>_</c>, case-sensitive.</summary>
    Like,
    /// <summary><c>ILIKE</c>: like <see cref="Like"/> but ignoring ASCII case.</summary>
    ILike,
}

/// <summary>A field such as <c>metrics.accuracy</c>; <see cref="Column"/> is 1-based, for error messages.</summary>
public sealed record FieldRef(FieldKind Kind, string Name, int Column)
{
    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        FieldKind.Metric => "metrics.", FieldKind.Param => "params.", FieldKind.Tag => "tags.", _ => "attributes.",
    } + Name;
}

/// <summary>A literal: text as written (unquoted) and its numeric value when it is a number (or a date for time attributes).</summary>
public sealed record QueryLiteral(string Text, double? Number, bool IsString, int Column);

/// <summary>A node of a parsed filter expression.</summary>
public abstract record FilterNode;

/// <summary>Both sides must hold.</summary>
public sealed record AndNode(FilterNode Left, FilterNode Right) : FilterNode;

/// <summary>Either side must hold.</summary>
public sealed record OrNode(FilterNode Left, FilterNode Right) : FilterNode;

/// <summary><c>field op literal</c>. A run without the field (e.g. never logged the metric) never matches.</summary>
public sealed record ComparisonNode(FieldRef Field, CompareOp Op, QueryLiteral Value) : FilterNode;

/// <summary>One term of an order-by list; runs missing the field sort last.</summary>
public sealed record OrderTerm(FieldRef Field, bool Descending);

/// <summary>The run attributes the query language knows.</summary>
public static class RunAttributes
{
    /// <summary>Effective status (a lost run is Failed).</summary>
    public const string Status = "status";
    /// <summary>Display name.</summary>
    public const string Name = "name";
    /// <summary>Creation time (milliseconds since the Unix epoch, or an ISO-8601 date in quotes).</summary>
    public const string StartTime = "start_time";
    /// <summary>End time, same units as <see cref="StartTime"/>.</summary>
    public const string EndTime = "end_time";
    /// <summary>Seconds between start and end (or now while running).</summary>
    public const string Duration = "duration";
    /// <summary>Run id.</summary>
    public const string RunId = "run_id";

    /// <summary>All attribute names.</summary>
    public static IReadOnlyList<string> All { get; } = [Status, Name, StartTime, EndTime, Duration, RunId];

    /// <summary>True for attributes compared as numbers.</summary>
    public static bool IsNumeric(string attribute) => attribute is StartTime or EndTime or Duration;
}
