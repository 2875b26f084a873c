using System.Text.Json;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Compute;

/// <summary>Environment versions in the workspace database (SQLite or PostgreSQL).</summary>
internal sealed class LocalEnvironmentStore(StoreDb db) : IEnvironmentStore
{
    private const string Columns = "hash, name, kind, definition_json, image, image_id, state, build_ms, created_at, built_at";
    private static readonly string[] States = ["defined", "built"];

    public void Save(EnvironmentRecord e)
    {
        Names.Validate("environment", e.Name);
        Core.Hashing.ContentHash.Validate("environment hash", e.Hash);
        if (!States.Contains(e.State)) throw MlpException.Invalid($"Environment state '{e.State}' is not valid; expected 'defined' or 'built'.");
        db.Write(s => s.Exec($"""
            INSERT INTO environments({Columns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9)
            ON CONFLICT(hash) DO UPDATE SET image = excluded.image, image_id = excluded.image_id, state = excluded.state,
              build_ms = excluded.build_ms, built_at = excluded.built_at
            """, e.Hash, e.Name, e.Kind, JsonSerializer.Serialize(e.Definition), e.Image, e.ImageId, e.State,
            e.BuildTime is { } t ? (long)t.TotalMilliseconds : null, e.CreatedAt == default ? DateTimeOffset.UtcNow : e.CreatedAt, e.BuiltAt));
    }

    public EnvironmentRecord? Find(string nameOrHash) => db.Read(s =>
    {
        var byHash = s.Query($"SELECT {Columns} FROM environments WHERE hash = $p0", Map, nameOrHash);
        if (byHash.Count == 1) return byHash[0];
        if (nameOrHash.Length >= 8 && nameOrHash.All(char.IsAsciiHexDigitLower))
        {
            var prefixed = s.Query($"SELECT {Columns} FROM environments WHERE hash LIKE $p0 LIMIT 2", Map, nameOrHash + "%");
            if (prefixed.Count == 2) throw MlpException.Invalid($"Environment hash prefix '{nameOrHash}' matches several versions; give more characters.");
            if (prefixed.Count == 1) return prefixed[0];
        }
        return s.Query($"SELECT {Columns} FROM environments WHERE name = $p0 ORDER BY created_at DESC, hash LIMIT 1", Map, nameOrHash).FirstOrDefault();
    });

    public IReadOnlyList<EnvironmentRecord> List() => db.Read(s =>
        s.Query($"SELECT {Columns} FROM environments ORDER BY created_at DESC, name, hash", Map));

    public int Delete(string nameOrHash) => db.Write(s => s.Exec("DELETE FROM environments WHERE hash = $p0 OR name = $p0", nameOrHash));

    private static EnvironmentRecord Map(System.Data.Common.DbDataReader r) => new()
    {
        Hash = r.GetString(0),
        Name = r.GetString(1),
        Kind = r.GetString(2),
        Definition = new SortedDictionary<string, string>(JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3)) ?? [], StringComparer.Ordinal),
        Image = r.GetString(4),
        ImageId = r.StrOrNull(5),
        State = r.GetString(6),
        BuildTime = r.LongOrNull(7) is { } ms ? TimeSpan.FromMilliseconds(ms) : null,
        CreatedAt = r.Time(8),
        BuiltAt = r.TimeOrNull(9),
    };
}
