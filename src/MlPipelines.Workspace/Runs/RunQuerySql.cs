using System.Text;
using System.Text.RegularExpressions;
using MlPipelines.Core.Query;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>
/// Translates a <see cref="RunQuery"/> into parameterised SQL for SQLite or PostgreSQL (the few differences come from
/// the <see cref="SqlDialect"/>). Every comparison becomes
/// <c>r.key IN (SELECT run_key FROM latest_metrics|params|tags WHERE name = ? AND value op ?)</c>, answered from the
/// (name, value) indexes. When the first order-by term is a metric, the query is driven by the
/// (name, value) index of latest_metrics and stops after Max rows; runs without that metric follow in a second statement.
/// </summary>
internal sealed class RunQuerySql
{
    private readonly List<object?> _args = [];
    private readonly long _nowMs;
    private readonly long _lostBeforeMs;
    private readonly SqlDialect _dialect;

    private RunQuerySql(DateTimeOffset now, TimeSpan heartbeatTimeout, SqlDialect dialect)
    {
        _dialect = dialect;
        _nowMs = now.ToUnixTimeMilliseconds();
        _lostBeforeMs = (now - heartbeatTimeout).ToUnixTimeMilliseconds();
    }

    public static RunQueryPlan Build(RunQuery query, DateTimeOffset now, TimeSpan heartbeatTimeout, SqlDialect dialect)
    {
        var filter = RunFilterParser.ParseFilter(query.Filter);
        var order = RunFilterParser.ParseOrderBy(query.OrderBy);
        return new RunQuerySql(now, heartbeatTimeout, dialect).Translate(query, filter, order);
    }

    private string P(object? value)
    {
        _args.Add(value);
        return "$p" + (_args.Count - 1);
    }

    private RunQueryPlan Translate(RunQuery query, FilterNode? filter, IReadOnlyList<OrderTerm> order)
    {
        var scope = new List<string>();
        if (query.Experiment is not null) scope.Add($"r.experiment_id = (SELECT id FROM experiments WHERE name = {P(query.Experiment)})");
        if (query.ParentRunId is not null) scope.Add($"r.parent_id = {P(query.ParentRunId)}");
        // A run is deleted when it, or its experiment, was soft-deleted.
        if (query.Lifecycle == RunLifecycle.Active) scope.Add("r.deleted_at IS NULL AND e.deleted_at IS NULL");
        else if (query.Lifecycle == RunLifecycle.Deleted) scope.Add("(r.deleted_at IS NOT NULL OR e.deleted_at IS NOT NULL)");
        var conjuncts = filter is null ? [] : Conjuncts(filter).ToList();

        if (order.Count > 0 && order[0].Field.Kind == FieldKind.Metric)
        {
            var first = order[0];
            var name = P(first.Field.Name);
            // Comparisons on the ordering metric become a range on the (name, value) index that drives the query.
            var pushed = conjuncts.OfType<ComparisonNode>().Where(c => c.Field.Kind == FieldKind.Metric && c.Field.Name == first.Field.Name).ToList();
            var others = conjuncts.Where(c => !pushed.Contains(c)).Select(Filter).ToList();
            var ranges = pushed.Select(c => $"o.value {Op(c.Op)} {P(c.Value.Number)}").ToList();
            var rest = OrderList(order.Skip(1));
            // Walking the index in order pays off unless a selective filter on other fields leaves few runs to sort.
            var indexOrder = others.Count == 0 || ranges.Count > 0;
            var hint = indexOrder ? _dialect.MetricIndexHint : "";
            var withMetric = new StringBuilder($"SELECT {RunRows.Columns} FROM latest_metrics o {hint}CROSS JOIN runs r CROSS JOIN experiments e ")
                .Append($"WHERE o.name = {name} AND o.value IS NOT NULL AND r.key = o.run_key AND e.id = r.experiment_id")
                .Append(string.Concat(ranges.Concat(scope).Concat(others).Select(w => " AND " + w)))
                .Append($" ORDER BY {_dialect.MetricOrderKey("o.value", indexOrder)} {(first.Descending ? "DESC" : "ASC")}{rest}, r.created_at DESC, r.key DESC LIMIT $p{_args.Count}")
                .ToString();
            var firstArgs = new List<object?>(_args);
            if (pushed.Count > 0) return new RunQueryPlan([(withMetric, firstArgs)]); // runs without the metric cannot match the filter
            var withoutMetric = $"SELECT {RunRows.Columns} FROM {RunRows.From} WHERE NOT EXISTS (SELECT 1 FROM latest_metrics m WHERE m.run_key = r.key AND m.name = {name} AND m.value IS NOT NULL)"
                                + string.Concat(scope.Concat(others).Select(w => " AND " + w))
                                + $" ORDER BY {(rest.Length > 0 ? rest[2..] + ", " : "")}r.created_at DESC, r.key DESC LIMIT $p{_args.Count}";
            return new RunQueryPlan([(withMetric, firstArgs), (withoutMetric, new List<object?>(_args))]);
        }

        var where = scope.Concat(conjuncts.Select(Filter)).ToList();
        var orderSql = OrderList(order);
        var sql = $"SELECT {RunRows.Columns} FROM {RunRows.From}" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
                  + $" ORDER BY {(orderSql.Length > 0 ? orderSql[2..] + ", " : "")}r.created_at DESC, r.key DESC LIMIT $p{_args.Count}";
        return new RunQueryPlan([(sql, new List<object?>(_args))]);
    }

    private static IEnumerable<FilterNode> Conjuncts(FilterNode node) =>
        node is AndNode a ? Conjuncts(a.Left).Concat(Conjuncts(a.Right)) : [node];

    private string Filter(FilterNode node) => node switch
    {
        AndNode a => $"({Filter(a.Left)} AND {Filter(a.Right)})",
        OrNode o => $"({Filter(o.Left)} OR {Filter(o.Right)})",
        ComparisonNode c => Comparison(c),
        _ => throw new InvalidOperationException("unknown filter node " + node.GetType().Name),
    };

    private string Comparison(ComparisonNode c)
    {
        var f = c.Field;
        switch (f.Kind)
        {
            case FieldKind.Metric:
                return $"r.key IN (SELECT run_key FROM latest_metrics WHERE name = {P(f.Name)} AND value {Op(c.Op)} {P(c.Value.Number)})";
            case FieldKind.Param when c.Value.Number is { } n && !c.Value.IsString:
                return $"r.key IN (SELECT run_key FROM params WHERE name = {P(f.Name)} AND num {Op(c.Op)} {P(n)})";
            case FieldKind.Param:
            case FieldKind.Tag:
                var table = f.Kind == FieldKind.Param ? "params" : "tags";
                return $"r.key IN (SELECT run_key FROM {table} WHERE name = {P(f.Name)} AND {TextCompare("value", c)})";
            default:
                return Attribute(c);
        }
    }

    private string Attribute(ComparisonNode c) => c.Field.Name switch
    {
        RunAttributes.Status => StatusCompare(c),
        RunAttributes.Name => TextCompare("r.name", c),
        RunAttributes.RunId => TextCompare("r.id", c),
        RunAttributes.StartTime => $"r.created_at {Op(c.Op)} {P(c.Value.Number)}",
        RunAttributes.EndTime => $"{EffectiveEnd()} {Op(c.Op)} {P(c.Value.Number)}",
        RunAttributes.Duration => $"(r.started_at IS NOT NULL AND (COALESCE({EffectiveEnd()}, {P(_nowMs)}) - r.started_at) / 1000.0 {Op(c.Op)} {P(c.Value.Number)})",
        _ => throw new InvalidOperationException("unknown attribute " + c.Field.Name),
    };

    private string IsLost() =>
        $"(r.status = {(int)RunStatus.Running} AND (r.kind IS NULL OR r.kind <> {P(RunHeartbeat.UnwatchedKind)}) AND COALESCE(r.heartbeat_at, r.started_at, r.created_at) < {P(_lostBeforeMs)})";

    // A lost run ended at its last heartbeat (as RunRows.Map reports it), so its duration stops growing.
    private string EffectiveEnd() => $"(CASE WHEN {IsLost()} THEN COALESCE(r.heartbeat_at, r.started_at) ELSE r.ended_at END)";

    private string EffectiveStatus() =>
        $"(CASE WHEN {IsLost()} THEN {(int)RunStatus.Failed} ELSE r.status END)";

    private string StatusCompare(ComparisonNode c)
    {
        if (c.Op is CompareOp.Eq or CompareOp.NotEq)
        {
            var status = Enum.Parse<RunStatus>(c.Value.Text, ignoreCase: true);
            return $"{EffectiveStatus()} {Op(c.Op)} {P((int)status)}";
        }
        var regex = new Regex("^" + Regex.Escape(c.Value.Text).Replace("%", ".*").Replace("_", ".") + "$", RegexOptions.IgnoreCase);
        var matching = Enum.GetValues<RunStatus>().Where(s => regex.IsMatch(s.ToString())).Select(s => ((int)s).ToString()).ToList();
        return matching.Count == 0 ? _dialect.False : $"{EffectiveStatus()} IN ({string.Join(", ", matching)})";
    }

    private string TextCompare(string column, ComparisonNode c) => c.Op switch
    {
        CompareOp.Like => _dialect.Like(column, c.Value.Text, ignoreCase: false, P),
        CompareOp.ILike => _dialect.Like(column, c.Value.Text, ignoreCase: true, P),
        _ => $"{column} {Op(c.Op)} {P(c.Value.Text)}",
    };

    private static string Op(CompareOp op) => op switch
    {
        CompareOp.Eq => "=", CompareOp.NotEq => "<>", CompareOp.Lt => "<", CompareOp.Le => "<=", CompareOp.Gt => ">", CompareOp.Ge => ">=",
        _ => throw new InvalidOperationException("LIKE is not a comparison"),
    };

    /// <summary>", expr DIR, …" for the given terms (missing values last), or "" when there are none.</summary>
    private string OrderList(IEnumerable<OrderTerm> terms)
    {
        var sb = new StringBuilder();
        foreach (var t in terms)
        {
            var expr = t.Field.Kind switch
            {
                FieldKind.Metric => $"(SELECT value FROM latest_metrics WHERE run_key = r.key AND name = {P(t.Field.Name)})",
                FieldKind.Param => _dialect.ParamOrder(P(t.Field.Name), t.Descending ? "DESC" : "ASC"),
                FieldKind.Tag => $"(SELECT value FROM tags WHERE run_key = r.key AND name = {P(t.Field.Name)})",
                _ => t.Field.Name switch
                {
                    RunAttributes.Status => EffectiveStatus(),
                    RunAttributes.Name => "r.name",
                    RunAttributes.RunId => "r.id",
                    RunAttributes.StartTime => "r.created_at",
                    RunAttributes.EndTime => EffectiveEnd(),
                    _ => $"(COALESCE({EffectiveEnd()}, {P(_nowMs)}) - r.started_at)",
                },
            };
            if (t.Field.Kind == FieldKind.Param)
            {
                sb.Append(expr); // the dialect's whole fragment, missing values last included
                continue;
            }
            var nullable = t.Field.Kind != FieldKind.Attribute || t.Field.Name is RunAttributes.EndTime or RunAttributes.Duration;
            if (nullable) sb.Append($", {expr} IS NULL");
            sb.Append($", {expr} {(t.Descending ? "DESC" : "ASC")}");
        }
        return sb.ToString();
    }
}
