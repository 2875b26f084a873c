using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Sqlite;

/// <summary>SQLite: GLOB for case-sensitive LIKE, an index hint for metric-ordered queries; key lists as JSON walked with <c>json_each</c>.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    // Walking the (name, value) index in order is what makes "order by metric, max N" stop early; SQLite's planner
    // does not always see it.
    public override string MetricIndexHint => "INDEXED BY latest_metrics_name_value ";

    public override string False => "0";

    // SQLite's LIKE ignores case; a case-sensitive LIKE is a GLOB with the wildcards translated and GLOB's own escaped.
    public override string Like(string column, string pattern, bool ignoreCase, Func<object?, string> parameter) =>
        ignoreCase ? $"{column} LIKE {parameter(pattern)}" : $"{column} GLOB {parameter(LikeToGlob(pattern))}";

    // COALESCE(num, value) sorts numbers before text in SQLite.
    public override string ParamOrder(string name, string direction)
    {
        var expr = $"(SELECT COALESCE(num, value) FROM params WHERE run_key = r.key AND name = {name})";
        return $", {expr} IS NULL, {expr} {direction}";
    }

    /// <summary>A LIKE pattern as a GLOB pattern.</summary>
    internal static string LikeToGlob(string like)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var ch in like)
            sb.Append(ch switch { '%' => "*", '_' => "?", '*' => "[*]", '?' => "[?]", '[' => "[[]", _ => ch.ToString() });
        return sb.ToString();
    }

    // The key list drives primary-key lookups.
    public override string RunKeysFrom(string table) => $"FROM json_each($p0) j CROSS JOIN {table} c WHERE c.run_key = j.value";

    public override string RunIdsFrom(string table) =>
        $"FROM json_each($p0) j CROSS JOIN runs r CROSS JOIN {table} c WHERE r.id = j.value AND c.run_key = r.key";

    public override string ModelKeysFrom(string table) =>
        $"FROM json_each($p0) j CROSS JOIN {table} c WHERE c.name = json_extract(j.value, '$[0]') AND c.version = json_extract(j.value, '$[1]')";
}
