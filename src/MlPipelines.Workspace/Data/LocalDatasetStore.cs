using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Files;
using MlPipelines.Workspace.Sql;

namespace MlPipelines.Workspace.Data;

/// <summary>
/// Datastores and versioned datasets. In the 'workspace' datastore the files are copied into the content-addressed
/// store; in a folder datastore they are referenced in place (path inside the datastore) and verified on download.
/// </summary>
internal sealed class LocalDatasetStore(StoreDb db, LocalArtifactStore artifacts, FileIngest ingest, WorkspaceLayout layout) : IDatasetStore
{
    private const string WorkspaceStore = "workspace";
    private const string Columns = "name, version, hash, size, file_count, is_file, datastore, description, created_at";

    public DatasetVersion Register(string name, string path, string? description = null, string datastore = WorkspaceStore, Action<string>? onWarning = null)
    {
        Names.Validate("dataset", name);
        var store = FindDatastore(datastore);
        var inWorkspace = store.Kind == WorkspaceStore;
        var source = inWorkspace || Path.IsPathRooted(path) ? Path.GetFullPath(path) : Path.GetFullPath(Path.Combine(store.Location, path));
        if (!inWorkspace && !IsInside(store.Location, source))
            throw MlpException.Invalid($"The path '{path}' is not inside datastore '{datastore}' ({store.Location}).");
        var (files, isFile, warnings) = FileIngest.Enumerate(source);
        foreach (var w in warnings) onWarning?.Invoke(w);
        var ingested = ingest.Ingest(files, store: inWorkspace);
        var entries = ingested.Select(f => new FileRow(f.Path, f.Hash, f.Size, inWorkspace ? null
            : Path.GetRelativePath(store.Location, isFile ? source : Path.Combine(source, f.Path)).Replace('\\', '/'))).ToList();
        return Record(name, entries, isFile, datastore, description);
    }

    public DatasetVersion RegisterManifest(string name, IReadOnlyList<DatasetFile> files, bool isFile, string? description = null)
    {
        Names.Validate("dataset", name);
        var checkedFiles = StoredFileManifest.Check("dataset", name, files.Select(f => new ManifestEntry(f.Path, f.Hash, f.Size)), artifacts);
        if (isFile && checkedFiles.Count != 1)
            throw MlpException.Invalid($"The dataset '{name}' is marked as a single file but lists {checkedFiles.Count} files.");
        return Record(name, checkedFiles.Select(f => new FileRow(f.Path, f.Hash, f.Size, null)).ToList(), isFile, WorkspaceStore, description);
    }

    /// <summary>One file row: <paramref name="Source"/> is its path inside a folder datastore, null in the 'workspace' store.</summary>
    private sealed record FileRow(string Path, string Hash, long Size, string? Source);

    /// <summary>Records a new version, or returns the existing one with the same content hash.</summary>
    private DatasetVersion Record(string name, List<FileRow> files, bool isFile, string datastore, string? description)
    {
        var hash = FileIngest.SetHash(files.Select(f => (f.Path, f.Hash)));
        var version = db.Write(s =>
        {
            var existing = s.Long("SELECT version FROM datasets WHERE name = $p0 AND hash = $p1 ORDER BY version LIMIT 1", name, hash);
            if (existing is { } v) return (int)v;
            var next = (int)(s.Long("SELECT COALESCE(MAX(version), 0) + 1 FROM datasets WHERE name = $p0", name) ?? 1);
            s.Exec($"INSERT INTO datasets({Columns}) VALUES($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)",
                name, next, hash, files.Sum(f => f.Size), files.Count, isFile, datastore, description, DateTimeOffset.UtcNow);
            var insert = s.Prepared("INSERT INTO dataset_files(name, version, path, hash, size, source) VALUES($p0, $p1, $p2, $p3, $p4, $p5)", 6);
            foreach (var f in files)
            {
                insert.Parameters[0].Value = name;
                insert.Parameters[1].Value = next;
                insert.Parameters[2].Value = f.Path;
                insert.Parameters[3].Value = f.Hash;
                insert.Parameters[4].Value = f.Size;
                insert.Parameters[5].Value = (object?)f.Source ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
            return next;
        });
        return Get(name, version);
    }

    public DatasetVersion Get(string name, int? version = null) => db.Read(s =>
    {
        var rows = version is { } v
            ? s.Query($"SELECT {Columns} FROM datasets WHERE name = $p0 AND version = $p1", Map, name, v)
            : s.Query($"SELECT {Columns} FROM datasets WHERE name = $p0 ORDER BY version DESC LIMIT 1", Map, name);
        if (rows.Count == 0) throw NotFound(s, name, version);
        var d = rows[0];
        return d with
        {
            Files = s.Query("SELECT path, hash, size FROM dataset_files WHERE name = $p0 AND version = $p1 ORDER BY path",
                r => new DatasetFile(r.GetString(0), r.GetString(1), r.GetInt64(2)), d.Name, d.Version),
        };
    });

    public IReadOnlyList<DatasetVersion> List() => db.Read(s =>
        s.Query($"SELECT {Columns} FROM datasets d WHERE version = (SELECT MAX(version) FROM datasets WHERE name = d.name) ORDER BY name", Map));

    public IReadOnlyList<DatasetVersion> Versions(string name) => db.Read(s =>
    {
        var rows = s.Query($"SELECT {Columns} FROM datasets WHERE name = $p0 ORDER BY version", Map, name);
        return rows.Count == 0 ? throw NotFound(s, name, null) : rows;
    });

    public void Download(string name, int? version, string outputDir)
    {
        var d = Get(name, version);
        var sources = Sources(d);
        var location = FindDatastore(d.Datastore).Location;
        Directory.CreateDirectory(outputDir);
        foreach (var f in d.Files)
        {
            var target = ArtifactPaths.ResolveUnder(outputDir, "dataset file", f.Path);
            if (sources[f.Path] is { } rel)
            {
                var from = CheckedSource(d, f, location, rel);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(from, target, overwrite: true);
            }
            else artifacts.CopyTo(f.Hash, target);
        }
    }

    public Stream OpenFile(string name, int version, string path)
    {
        var d = Get(name, version);
        var file = d.Files.FirstOrDefault(f => f.Path == path)
            ?? throw MlpException.NotFound($"file of dataset '{d.Name}:{d.Version}'", path, d.Files.Select(f => f.Path));
        if (Sources(d)[file.Path] is not { } rel) return artifacts.OpenRead(file.Hash);
        var from = CheckedSource(d, file, FindDatastore(d.Datastore).Location, rel);
        return new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
    }

    private Dictionary<string, string?> Sources(DatasetVersion d) => db.Read(s => s.Query(
        "SELECT path, source FROM dataset_files WHERE name = $p0 AND version = $p1",
        r => (r.GetString(0), r.StrOrNull(1)), d.Name, d.Version).ToDictionary(x => x.Item1, x => x.Item2));

    /// <summary>The file in the folder datastore, after checking it still has its registered content.</summary>
    private static string CheckedSource(DatasetVersion d, DatasetFile f, string location, string rel)
    {
        var from = Path.Combine(location, rel);
        if (!File.Exists(from) || ContentHash.OfFile(from) != f.Hash)
            throw MlpException.Failed($"Dataset '{d.Name}:{d.Version}' file '{f.Path}' changed or vanished in datastore '{d.Datastore}' ({from}) since it was registered.");
        return from;
    }

    public Datastore AddDatastore(string name, string location)
    {
        Names.Validate("datastore", name);
        var full = Path.GetFullPath(location);
        if (!Directory.Exists(full)) throw MlpException.Invalid($"The datastore folder '{location}' does not exist.");
        db.Write(s =>
        {
            var existing = s.Text("SELECT location FROM datastores WHERE name = $p0", name);
            if (existing is not null && existing != full)
                throw MlpException.Conflict($"Datastore '{name}' already exists and points at '{existing}'.");
            s.Exec("INSERT INTO datastores(name, kind, location, created_at) VALUES($p0, 'folder', $p1, $p2) ON CONFLICT(name) DO NOTHING", name, full, DateTimeOffset.UtcNow);
        });
        return FindDatastore(name);
    }

    public IReadOnlyList<Datastore> ListDatastores() => db.Read(s =>
        s.Query("SELECT name, kind, location, created_at FROM datastores ORDER BY name", MapStore));

    private Datastore FindDatastore(string name) => db.Read(s =>
        s.Query("SELECT name, kind, location, created_at FROM datastores WHERE name = $p0", MapStore, name).FirstOrDefault()
        ?? throw MlpException.NotFound("datastore", name, s.Query("SELECT name FROM datastores ORDER BY name", r => r.GetString(0))));

    private Datastore MapStore(System.Data.Common.DbDataReader r)
    {
        var kind = r.GetString(1);
        var location = kind == WorkspaceStore ? Path.Combine(layout.MlpDirectory, r.GetString(2)) : r.GetString(2);
        return new Datastore(r.GetString(0), kind, location, r.Time(3));
    }

    private static MlpException NotFound(DbSession s, string name, int? version)
    {
        var versions = s.Query("SELECT version FROM datasets WHERE name = $p0 ORDER BY version", r => $"{name}:{r.GetInt32(0)}", name);
        return versions.Count > 0 && version is { } v
            ? MlpException.NotFound("dataset version", $"{name}:{v}", versions)
            : MlpException.NotFound("dataset", name, s.Query("SELECT DISTINCT name FROM datasets ORDER BY name", r => r.GetString(0)));
    }

    private static bool IsInside(string root, string path)
    {
        var r = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        return path.StartsWith(r, StringComparison.Ordinal);
    }

    private static DatasetVersion Map(System.Data.Common.DbDataReader r) => new()
    {
        Name = r.GetString(0),
        Version = r.GetInt32(1),
        Hash = r.GetString(2),
        SizeBytes = r.GetInt64(3),
        FileCount = r.GetInt32(4),
        IsFile = r.GetInt64(5) != 0,
        Datastore = r.GetString(6),
        Description = r.StrOrNull(7),
        CreatedAt = r.Time(8),
    };
}
