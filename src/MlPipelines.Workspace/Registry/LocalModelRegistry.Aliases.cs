using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Registry;

/// <summary>Aliases: set, move and delete atomically, every change appended to the history.</summary>
internal sealed partial class LocalModelRegistry
{
    public AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null)
    {
        ValidateAlias(alias);
        return db.Write(s =>
        {
            if (s.Long("SELECT COUNT(*) FROM models WHERE name = $p0 AND version = $p1", name, version) == 0)
            {
                EnsureModel(s, name);
                throw MlpException.NotFound("model version", $"{name}:{version}",
                    s.Query("SELECT name || ':' || version FROM models WHERE name = $p0 ORDER BY version", r => r.GetString(0), name));
            }
            var from = (int?)s.Long("SELECT version FROM model_aliases WHERE name = $p0 AND alias = $p1", name, alias);
            var change = new AliasChange(name, alias, from, version, Who(who), DateTimeOffset.UtcNow, reason);
            if (from == version) return change;
            s.Exec("INSERT INTO model_aliases(name, alias, version) VALUES($p0, $p1, $p2) ON CONFLICT(name, alias) DO UPDATE SET version = excluded.version",
                name, alias, version);
            Record(s, change);
            return change;
        });
    }

    public AliasChange DeleteAlias(string name, string alias, string who, string? reason = null)
    {
        ValidateAlias(alias);
        return db.Write(s =>
        {
            var from = (int?)s.Long("SELECT version FROM model_aliases WHERE name = $p0 AND alias = $p1", name, alias);
            if (from is null)
            {
                EnsureModel(s, name);
                throw MlpException.NotFound("alias", $"{name}@{alias}",
                    s.Query("SELECT name || '@' || alias FROM model_aliases WHERE name = $p0 ORDER BY alias", r => r.GetString(0), name));
            }
            s.Exec("DELETE FROM model_aliases WHERE name = $p0 AND alias = $p1", name, alias);
            var change = new AliasChange(name, alias, from, null, Who(who), DateTimeOffset.UtcNow, reason);
            Record(s, change);
            return change;
        });
    }

    public IReadOnlyList<AliasChange> History(string name) => db.Read(s =>
    {
        var history = s.Query("SELECT name, alias, from_version, to_version, who, at, reason FROM alias_history WHERE name = $p0 ORDER BY id",
            r => new AliasChange(r.GetString(0), r.GetString(1), (int?)r.LongOrNull(2), (int?)r.LongOrNull(3), r.GetString(4), r.Time(5), r.StrOrNull(6)), name);
        if (history.Count == 0) EnsureModel(s, name);
        return history;
    });

    private string Who(string who) => string.IsNullOrWhiteSpace(who) ? options.User : who;

    private static void Record(DbSession s, AliasChange c) =>
        s.Exec("INSERT INTO alias_history(name, alias, from_version, to_version, who, at, reason) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6)",
            c.Model, c.Alias, c.FromVersion, c.ToVersion, c.Who, c.When, c.Reason);

    private static void ValidateAlias(string alias)
    {
        Names.Validate("alias", alias);
        if (alias == "latest" || alias.All(char.IsAsciiDigit))
            throw MlpException.Invalid($"Invalid alias name '{alias}': 'latest' and plain numbers are reserved for versions.");
    }
}
