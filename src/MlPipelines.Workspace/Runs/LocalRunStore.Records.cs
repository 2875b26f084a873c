using System.Text.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Runs;

/// <summary>Outputs, tables, images and dataset inputs of runs.</summary>
internal sealed partial class LocalRunStore
{
    public void AddOutput(string runId, RunOutput output)
    {
        var path = ArtifactPaths.Normalize("output", output.Path);
        db.Write(s => s.Exec("""
            INSERT INTO outputs(run_key, path, hash, size) VALUES($p0, $p1, $p2, $p3)
            ON CONFLICT(run_key, path) DO UPDATE SET hash = excluded.hash, size = excluded.size
            """, KeyOf(s, runId), path, output.Hash, output.Size));
    }

    public IReadOnlyList<RunOutput> GetOutputs(string runId) => db.Read(s =>
        s.Query("SELECT path, hash, size FROM outputs WHERE run_key = $p0 ORDER BY path",
            r => new RunOutput(r.GetString(0), r.GetString(1), r.GetInt64(2)), KeyOf(s, runId)));

    public int DeleteOutputs(string runId, string? path)
    {
        if (path is null) return db.Write(s => s.Exec("DELETE FROM outputs WHERE run_key = $p0", KeyOf(s, runId)));
        var p = ArtifactPaths.Normalize("output", path);
        // The folder's outputs are those whose path starts with 'p/': compared with substr, not LIKE, so '_' and '%' in names match only themselves.
        return db.Write(s => s.Exec("DELETE FROM outputs WHERE run_key = $p0 AND (path = $p1 OR substr(path, 1, length($p2)) = $p2)",
            KeyOf(s, runId), p, p + "/"));
    }

    public void AddTable(string runId, RunTable table)
    {
        Names.Validate("table", table.Name);
        try { using var _ = JsonDocument.Parse(table.RowsJson); }
        catch (JsonException e) { throw MlpException.Invalid($"Table '{table.Name}' is not valid JSON: {e.Message}"); }
        db.Write(s => s.Exec("INSERT INTO run_tables(run_key, name, rows_json, ts) VALUES($p0, $p1, $p2, $p3)",
            KeyOf(s, runId), table.Name, table.RowsJson, table.Timestamp));
    }

    public IReadOnlyList<RunTable> GetTables(string runId) => db.Read(s =>
        s.Query("SELECT name, rows_json, ts FROM run_tables WHERE run_key = $p0 ORDER BY id",
            r => new RunTable(r.GetString(0), r.GetString(1), r.Time(2)), KeyOf(s, runId)));

    public void AddImage(string runId, RunImage image)
    {
        Names.Validate("image", image.Name);
        var path = ArtifactPaths.Normalize("image", image.Path);
        db.Write(s => s.Exec("INSERT INTO run_images(run_key, name, path, hash, media_type, ts) VALUES($p0, $p1, $p2, $p3, $p4, $p5)",
            KeyOf(s, runId), image.Name, path, image.Hash, image.MediaType, image.Timestamp));
    }

    public IReadOnlyList<RunImage> GetImages(string runId) => db.Read(s =>
        s.Query("SELECT name, path, hash, media_type, ts FROM run_images WHERE run_key = $p0 ORDER BY id",
            r => new RunImage(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4)), KeyOf(s, runId)));

    public void AddDatasetInput(string runId, string dataset, int version)
    {
        Names.Validate("dataset", dataset);
        db.Write(s => s.Exec("INSERT INTO run_datasets(run_key, dataset, version) VALUES($p0, $p1, $p2) ON CONFLICT DO NOTHING",
            KeyOf(s, runId), dataset, version));
    }

    public IReadOnlyList<(string Dataset, int Version)> GetDatasetInputs(string runId) => db.Read(s =>
        s.Query("SELECT dataset, version FROM run_datasets WHERE run_key = $p0 ORDER BY dataset, version",
            r => (r.GetString(0), r.GetInt32(1)), KeyOf(s, runId)));
}
