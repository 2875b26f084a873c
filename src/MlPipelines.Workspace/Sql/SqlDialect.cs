using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Sql;

/// <summary>The SQL that differs between engines: run-query compilation and batched child-row lookups.</summary>
internal abstract class SqlDialect
{
    /// <summary>Compiles a run query (filter, order-by, scope) into statements run in order until Max rows are read.</summary>
    public abstract RunQueryPlan BuildRunQuery(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout);

    /// <summary>
    /// "FROM … WHERE …" over <paramref name="table"/> (alias <c>c</c>) restricted to the run keys in <c>$p0</c>,
    /// a JSON array of integers.
    /// </summary>
    public abstract string RunKeysFrom(string table);

    /// <summary>
    /// "FROM … WHERE …" over <paramref name="table"/> (alias <c>c</c>) restricted to the (name, version) pairs in
    /// <c>$p0</c>, a JSON array of <c>[name, version]</c> arrays.
    /// </summary>
    public abstract string ModelKeysFrom(string table);
}

/// <summary>Statements of a compiled run query; the row limit is appended to each statement's arguments.</summary>
internal sealed record RunQueryPlan(IReadOnlyList<(string Sql, List<object?> Args)> Statements);
