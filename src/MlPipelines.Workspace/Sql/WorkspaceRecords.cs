using MlPipelines.Core.Errors;

namespace MlPipelines.Workspace.Sql;

/// <summary>Workspace settings and counts: the same SQL on every engine.</summary>
internal static class WorkspaceRecords
{
    public static IReadOnlyDictionary<string, string> Settings(StoreDb db) => db.Read(s =>
        s.Query("SELECT key, value FROM settings ORDER BY key", r => (r.GetString(0), r.GetString(1)))
            .ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal));

    public static void SetSetting(StoreDb db, string key, string value)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Any(char.IsWhiteSpace))
            throw MlpException.Invalid($"Invalid setting key '{key}'; expected a dotted name such as 'image.dotnet.base'.");
        db.Write(s => s.Exec("INSERT INTO settings(key, value) VALUES($p0, $p1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value));
    }

    /// <summary>The counts of a workspace; artifact and database sizes come from the caller.</summary>
    public static Core.Workspaces.WorkspaceStats Stats(StoreDb db, (long Bytes, long Count) artifacts, long databaseBytes) => db.Read(s => new Core.Workspaces.WorkspaceStats(
        Experiments: (int)s.Long("SELECT COUNT(*) FROM experiments")!,
        Runs: (int)s.Long("SELECT COUNT(*) FROM runs")!,
        MetricPoints: s.Long("SELECT (SELECT COALESCE(SUM(count), 0) FROM metric_chunks) + (SELECT COUNT(*) FROM metrics)")!.Value,
        Datasets: (int)s.Long("SELECT COUNT(DISTINCT name) FROM datasets")!,
        Models: (int)s.Long("SELECT COUNT(DISTINCT name) FROM models")!,
        Images: (int)s.Long("SELECT COUNT(*) FROM images")!,
        Endpoints: (int)s.Long("SELECT COUNT(*) FROM endpoints")!,
        ArtifactBytes: artifacts.Bytes,
        ArtifactCount: artifacts.Count,
        DatabaseBytes: databaseBytes));
}
