using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Data;
using MlPipelines.Core.Endpoints;
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
using Npgsql;

namespace MlPipelines.Workspace.Postgres;

/// <summary>
/// A workspace whose records live in PostgreSQL (the schema named by the connection string's search path, migrated
/// on open) and whose files — content-addressed <c>artifacts/</c>, the <c>tmp/</c> scratch folder and the
/// 'workspace' datastore — live in a folder. It runs the same stores as <see cref="LocalWorkspace"/>, with the same
/// semantics and errors; several processes and threads may use one database at once.
/// </summary>
public sealed class PostgresWorkspace : IWorkspace
{
    private readonly PgDb _db;
    private readonly WorkspaceLayout _layout;
    private readonly LocalArtifactStore _artifacts;
    private readonly LocalStepCache _cache;

    private PostgresWorkspace(string connectionString, string filesDirectory, LocalWorkspaceOptions options, bool createSchema)
    {
        _layout = new WorkspaceLayout(Path.GetFullPath(filesDirectory));
        Directory.CreateDirectory(_layout.MlpDirectory);
        WorkspacePermissions.CreateFolder(_layout.Artifacts);
        WorkspacePermissions.CreateFolder(_layout.Temp);
        _db = new PgDb(connectionString);
        try
        {
            _db.EnsureSchema(createSchema);
            var location = Describe(connectionString);
            Info = new WorkspaceInfo(location, "postgresql", PgSchema.Migrate(_db, location));
        }
        catch
        {
            _db.Dispose();
            throw;
        }
        _artifacts = new LocalArtifactStore(_layout.Artifacts, _layout.Temp);
        _cache = new LocalStepCache(_db);
        var ingest = new FileIngest(_cache, _artifacts);
        var runs = new LocalRunStore(_db, options);
        Runs = runs;
        Datasets = new Data.LocalDatasetStore(_db, _artifacts, ingest, _layout);
        Models = new Registry.LocalModelRegistry(_db, _artifacts, ingest, runs, options);
        Images = new Images.LocalImageStore(_db);
        Computes = new MlPipelines.Workspace.Compute.LocalComputeStore(_db);
        Environments = new MlPipelines.Workspace.Compute.LocalEnvironmentStore(_db);
        Endpoints = new Endpoints.LocalEndpointStore(_db);
    }

    /// <summary>
    /// Opens (creating and migrating the schema when needed) the workspace in the database of
    /// <paramref name="connectionString"/> (Npgsql syntax, e.g. <c>Host=db;Username=mlp;Password=…;Database=mlp</c>;
    /// add <c>Search Path=NAME</c> to keep several workspaces in one database), with its files under
    /// <paramref name="filesDirectory"/>.
    /// </summary>
    /// <remarks>
    /// When the connection string has a search path, its first schema must exist (NotFound otherwise; see
    /// <see cref="Init"/>), so that a mistyped or retired schema is never silently recreated empty.
    /// </remarks>
    public static PostgresWorkspace Open(string connectionString, string filesDirectory, LocalWorkspaceOptions? options = null) =>
        new(connectionString, filesDirectory, options ?? new LocalWorkspaceOptions(), createSchema: false);

    /// <summary>
    /// Like <see cref="Open"/>, but first creates the schema first on the connection's search path when it does not
    /// exist (the role needs CREATE on the database for that).
    /// </summary>
    public static PostgresWorkspace Init(string connectionString, string filesDirectory, LocalWorkspaceOptions? options = null) =>
        new(connectionString, filesDirectory, options ?? new LocalWorkspaceOptions(), createSchema: true);

    /// <inheritdoc />
    public WorkspaceInfo Info { get; }

    /// <summary>The store (for bulk seeding in benchmarks).</summary>
    internal PgDb Database => _db;

    /// <inheritdoc />
    public IRunStore Runs { get; }
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
        var dbBytes = _db.Read(s => s.Long("SELECT pg_database_size(current_database())") ?? 0);
        return WorkspaceRecords.Stats(_db, _artifacts.Usage(), dbBytes) with { Warnings = WorkspacePermissions.Check(_layout) };
    }

    /// <summary>"postgresql://host:port/database[?search_path=…]" — the connection string without its secrets.</summary>
    private static string Describe(string connectionString)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        var path = string.IsNullOrEmpty(b.SearchPath) ? "" : "?search_path=" + b.SearchPath;
        return $"postgresql://{b.Host}:{b.Port}/{b.Database}{path}";
    }

    /// <inheritdoc />
    public void Dispose() => _db.Dispose();
}
