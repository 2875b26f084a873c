using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Data;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Images;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Caching;
using MlPipelines.Workspace.Files;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sql;
using MlPipelines.Workspace.Sqlite;

namespace MlPipelines.Workspace;

/// <summary>
/// The embedded workspace: a folder <c>.mlp/</c> holding <c>workspace.db</c> (SQLite in WAL mode), the
/// content-addressed <c>artifacts/</c> store and a <c>tmp/</c> scratch folder. Safe for use by several processes
/// at once; each instance holds one database connection and serialises its own callers.
/// </summary>
public sealed partial class LocalWorkspace : IWorkspace
{
    private readonly SqliteDb _db;
    private readonly WorkspaceLayout _layout;
    private readonly LocalArtifactStore _artifacts;
    private readonly LocalStepCache _cache;

    private LocalWorkspace(WorkspaceLayout layout, LocalWorkspaceOptions options)
    {
        _layout = layout;
        Options = options;
        WorkspacePermissions.CreateFolder(layout.Artifacts);
        WorkspacePermissions.CreateFolder(layout.Temp);
        WorkspacePermissions.CreateDatabaseFile(layout.Database);
        _db = new SqliteDb(layout.Database);
        try
        {
            var version = Schema.Migrate(_db);
            Info = new WorkspaceInfo(layout.MlpDirectory, "local", version);
        }
        catch
        {
            _db.Dispose();
            throw;
        }
        _artifacts = new LocalArtifactStore(layout.Artifacts, layout.Temp);
        _cache = new LocalStepCache(_db);
        var ingest = new FileIngest(_cache, _artifacts);
        RunStore = new LocalRunStore(_db, options);
        Datasets = new Data.LocalDatasetStore(_db, _artifacts, ingest, layout);
        Models = new Registry.LocalModelRegistry(_db, _artifacts, ingest, RunStore, options);
        Images = new Images.LocalImageStore(_db);
        Computes = new MlPipelines.Workspace.Compute.LocalComputeStore(_db);
        Environments = new MlPipelines.Workspace.Compute.LocalEnvironmentStore(_db);
        Endpoints = new Endpoints.LocalEndpointStore(_db);
    }

    /// <summary>Creates <c><paramref name="dir"/>/.mlp/</c> if needed (idempotent) and opens it.</summary>
    public static LocalWorkspace Init(string dir, LocalWorkspaceOptions? options = null)
    {
        var mlp = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir))) == WorkspaceLayout.FolderName
            ? Path.GetFullPath(dir)
            : Path.Combine(Path.GetFullPath(dir), WorkspaceLayout.FolderName);
        Directory.CreateDirectory(Path.GetDirectoryName(mlp)!);
        WorkspacePermissions.CreateFolder(mlp);
        return new LocalWorkspace(new WorkspaceLayout(mlp), options ?? new LocalWorkspaceOptions());
    }

    /// <summary>Opens an existing workspace given its <c>.mlp</c> folder or the folder containing it.</summary>
    public static LocalWorkspace Open(string mlpDirOrParent, LocalWorkspaceOptions? options = null)
    {
        var mlp = WorkspaceLocator.FindMlpDirectory(mlpDirOrParent)
                  ?? throw MlpException.Invalid($"'{mlpDirOrParent}' is not a workspace: neither it nor '{Path.Combine(mlpDirOrParent, WorkspaceLayout.FolderName)}' holds a workspace.db. Run 'mlp workspace init' to create one.");
        return new LocalWorkspace(new WorkspaceLayout(mlp), options ?? new LocalWorkspaceOptions());
    }

    /// <summary>The options this workspace was opened with.</summary>
    public LocalWorkspaceOptions Options { get; }

    /// <inheritdoc />
    public WorkspaceInfo Info { get; }

    internal LocalRunStore RunStore { get; }

    /// <summary>The database, for bulk seeding in benchmarks.</summary>
    internal SqliteDb Database => _db;

    /// <inheritdoc />
    public IRunStore Runs => RunStore;
    /// <inheritdoc />
    public IArtifactStore Artifacts => _artifacts;
    /// <inheritdoc />
    public IDatasetStore Datasets { get; }
    /// <inheritdoc />
    public IModelRegistry Models { get; }
    /// <inheritdoc />
    public IImageStore Images { get; }
    /// <inheritdoc />
    public IComputeStore Computes { get; }
    /// <inheritdoc />
    public IEnvironmentStore Environments { get; }
    /// <inheritdoc />
    public IEndpointStore Endpoints { get; }
    /// <inheritdoc />
    public IStepCache Cache => _cache;

    /// <inheritdoc />
    public IFileHashIndex FileHashes => _cache;
    /// <inheritdoc />
    public string ScratchDirectory => _layout.Temp;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, string> Settings => WorkspaceRecords.Settings(_db);

    /// <inheritdoc />
    public void SetSetting(string key, string value) => WorkspaceRecords.SetSetting(_db, key, value);

    /// <inheritdoc />
    public WorkspaceStats Stats()
    {
        var dbBytes = new[] { "", "-wal", "-shm" }.Select(x => new FileInfo(_layout.Database + x)).Where(f => f.Exists).Sum(f => f.Length);
        return WorkspaceRecords.Stats(_db, _artifacts.Usage(), dbBytes) with { Warnings = WorkspacePermissions.Check(_layout) };
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
