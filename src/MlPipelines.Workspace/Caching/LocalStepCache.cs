using System.Text.Json;
using MlPipelines.Core.Caching;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Caching;

/// <summary>Step cache entries and the file-hash index (path, size, mtime, inode → SHA-256).</summary>
internal sealed class LocalStepCache(StoreDb db) : IStepCache, IFileHashIndex
{
    private const string Columns = "key, pipeline, step, run_id, parts_json, created_at";

    public CacheEntry? Find(string key) => db.Read(s =>
        s.Query($"SELECT {Columns} FROM cache_entries WHERE key = $p0", Map, key).FirstOrDefault());

    public CacheEntry? Latest(string pipeline, string step) => db.Read(s =>
        s.Query($"SELECT {Columns} FROM cache_entries WHERE pipeline = $p0 AND step = $p1 ORDER BY created_at DESC, rowid DESC LIMIT 1", Map, pipeline, step)
            .FirstOrDefault());

    public void Put(CacheEntry entry) => db.Write(s => s.Exec($"""
        INSERT INTO cache_entries({Columns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5)
        ON CONFLICT(key) DO UPDATE SET pipeline = excluded.pipeline, step = excluded.step, run_id = excluded.run_id,
          parts_json = excluded.parts_json, created_at = excluded.created_at
        """, entry.Key, entry.Pipeline, entry.Step, entry.RunId, JsonSerializer.Serialize(entry.KeyParts), entry.CreatedAt));

    public string? FindFileHash(string fullPath, long size, long mtimeTicks, long inode) => db.Read(s =>
        s.Text("SELECT hash FROM file_hashes WHERE path = $p0 AND size = $p1 AND mtime = $p2 AND inode = $p3", fullPath, size, mtimeTicks, inode));

    public void PutFileHash(string fullPath, long size, long mtimeTicks, long inode, string hash) => db.Write(s => s.Exec("""
        INSERT INTO file_hashes(path, size, mtime, inode, hash) VALUES($p0, $p1, $p2, $p3, $p4)
        ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, inode = excluded.inode, hash = excluded.hash
        """, fullPath, size, mtimeTicks, inode, hash));

    /// <summary>Stores many file hashes in one transaction.</summary>
    internal void PutFileHashes(IReadOnlyList<(string Path, long Size, long Mtime, long Inode, string Hash)> items)
    {
        if (items.Count == 0) return;
        db.Write(s =>
        {
            foreach (var i in items) PutFileHash(i.Path, i.Size, i.Mtime, i.Inode, i.Hash);
        });
    }

    private static CacheEntry Map(System.Data.Common.DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(4)) ?? new Dictionary<string, string>(), r.Time(5));
}
