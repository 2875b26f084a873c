using MlPipelines.Core.Runs;

namespace MlPipelines.Workspace.Sql;

/// <summary>The SQL that differs between engines: the few pieces of run queries that do, and batched child-row lookups.</summary>
internal abstract class SqlDialect
{
    /// <summary>Compiles a run query (filter, order-by, scope) into statements run in order until Max rows are read.</summary>
    public RunQueryPlan BuildRunQuery(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout) =>
        Runs.RunQuerySql.Build(query, now, heartbeatTimeout, this);

    /// <summary>Placed after <c>FROM latest_metrics o</c> when the (name, value) index should drive the query; "" when the planner needs no hint.</summary>
    public virtual string MetricIndexHint => "";

    /// <summary>
    /// The ordering key of the metric that orders a query: the column itself, or (when <paramref name="indexOrder"/> is
    /// false because a selective filter on other fields leaves few runs) a form the engine cannot walk an index for, so
    /// it filters first and sorts the few rows instead of walking the whole index looking for a LIMIT's worth.
    /// </summary>
    public virtual string MetricOrderKey(string column, bool indexOrder) => column;

    /// <summary>
    /// One statement that appends a batch of metric points to the run whose id is <c>$p0</c> and answers one row per
    /// matching run (none for an unknown run, which then has nothing written), or null where the store's portable
    /// statements (one per chunk and per latest value) are used. Parameters: chunk names, counts and point blobs
    /// (<c>$p1</c>–<c>$p3</c>, one per metric), then the latest names, values (null for NaN), special flags, steps and
    /// timestamps (<c>$p4</c>–<c>$p8</c>, one per metric, by name) — the rows <c>metric_chunks</c> and <c>latest_metrics</c> take.
    /// </summary>
    public virtual string? AppendMetricsSql => null;

    /// <summary>A condition that never holds.</summary>
    public virtual string False => "FALSE";

    /// <summary>
    /// <paramref name="column"/> LIKE <paramref name="pattern"/> (<c>%</c> and <c>_</c> wildcards, no escape character),
    /// case-sensitive unless <paramref name="ignoreCase"/>; <paramref name="parameter"/> adds a value and returns its placeholder.
    /// </summary>
    public abstract string Like(string column, string pattern, bool ignoreCase, Func<object?, string> parameter);

    /// <summary>
    /// The ", expr DIR…" ordering fragment for the param whose name placeholder is <paramref name="name"/>: runs without
    /// it last, then numeric values (numerically) before text values.
    /// </summary>
    public abstract string ParamOrder(string name, string direction);

    /// <summary>
    /// "FROM … WHERE …" over <paramref name="table"/> (alias <c>c</c>) restricted to the run keys in <c>$p0</c>,
    /// a JSON array of integers.
    /// </summary>
    public abstract string RunKeysFrom(string table);

    /// <summary>
    /// "FROM … WHERE …" over <paramref name="table"/> (alias <c>c</c>, joined to its run as <c>r</c>) restricted to the
    /// run ids in <c>$p0</c>, a JSON array of strings.
    /// </summary>
    public abstract string RunIdsFrom(string table);

    /// <summary>
    /// "FROM … WHERE …" over <paramref name="table"/> (alias <c>c</c>) restricted to the (name, version) pairs in
    /// <c>$p0</c>, a JSON array of <c>[name, version]</c> arrays.
    /// </summary>
    public abstract string ModelKeysFrom(string table);
}

/// <summary>Statements of a compiled run query; the row limit is appended to each statement's arguments.</summary>
internal sealed record RunQueryPlan(IReadOnlyList<(string Sql, List<object?> Args)> Statements);
