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
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Local;
using MlPipelines.Endpoints.Services;
using MlPipelines.Workspace;

namespace MlPipelines.Endpoints.Tests.Support;

/// <summary>
/// A real local workspace in a temp folder whose model registry serves model folders registered in the test
/// (the SQLite registry is another component's work), plus a context that runs the stand-in as daemon and scoring host.
/// </summary>
internal sealed class EndpointWorkspace : IWorkspace, IAsyncDisposable
{
    private readonly LocalWorkspace _inner;
    private readonly FolderModelRegistry _models = new();

    public EndpointWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlp-ep-" + Guid.NewGuid().ToString("N")[..8]);
        _inner = LocalWorkspace.Init(Root);
        Context = new EndpointsContext
        {
            Workspace = this,
            Daemon = new DaemonCommand("dotnet", [StandInBackend.DllPath, "daemon", "--workspace", Root]),
            Who = "test",
            ReadyTimeout = TimeSpan.FromSeconds(30),
            LocalLaunch = plan => new LaunchSpec
            {
                FileName = "dotnet",
                Arguments = [StandInBackend.DllPath, "--urls", "http://127.0.0.1:{port}", "--name", plan.Record.Name,
                    .. File.Exists(Path.Combine(plan.ModelDirectory, "unready")) ? new[] { "--unready" } : []],
                StartupTimeoutMs = 4000,
            },
        };
    }

    public string Root { get; }
    public EndpointsContext Context { get; }
    public EndpointService Endpoints_ => new(Context);
    public DeploymentService Deployments => new(Context);

    /// <summary>Registers a model version whose files are a score.py (and an 'unready' marker when asked).</summary>
    public ModelVersion AddModel(string name, bool unready = false) => _models.Add(name, Path.Combine(Root, "models"), unready);

    public WorkspaceInfo Info => _inner.Info;
    public IRunStore Runs => _inner.Runs;
    public IArtifactStore Artifacts => _inner.Artifacts;
    public IDatasetStore Datasets => _inner.Datasets;
    public IModelRegistry Models => _models;
    public IImageStore Images => _inner.Images;
    public IComputeStore Computes => _inner.Computes;
    public IEnvironmentStore Environments => _inner.Environments;
    public IEndpointStore Endpoints => _inner.Endpoints;
    public IStepCache Cache => _inner.Cache;
    public IFileHashIndex FileHashes => _inner.FileHashes;
    public IReadOnlyDictionary<string, string> Settings => _inner.Settings;
    public void SetSetting(string key, string value) => _inner.SetSetting(key, value);
    public WorkspaceStats Stats() => _inner.Stats();
    public string ScratchDirectory => _inner.ScratchDirectory;

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        await Context.DaemonClient.StopAsync();
        _inner.Dispose();
        if (Environment.GetEnvironmentVariable("MLP_KEEP_TEST_WORKSPACE") == "1") return;
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private sealed class FolderModelRegistry : IModelRegistry
    {
        private readonly List<(ModelVersion Model, string Folder)> _versions = [];

        public ModelVersion Add(string name, string root, bool unready)
        {
            var version = _versions.Count(v => v.Model.Name == name) + 1;
            var folder = Path.Combine(root, name, version.ToString());
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "score.py"), "def init():\n    pass\n\ndef run(raw):\n    return raw\n");
            if (unready) File.WriteAllText(Path.Combine(folder, "unready"), "");
            var model = new ModelVersion
            {
                Name = name, Version = version, Hash = version.ToString(), Files = [new ModelFile("score.py", "x", 10)],
                Lineage = new ModelLineage(), CreatedAt = DateTimeOffset.UtcNow,
            };
            _versions.Add((model, folder));
            return model;
        }

        public ModelVersion Get(ModelRef reference) =>
            _versions.Where(v => v.Model.Name == reference.Name && (reference.Version is null || v.Model.Version == reference.Version))
                .Select(v => v.Model).LastOrDefault() ?? throw MlpException.NotFound("model", reference.ToString(), _versions.Select(v => v.Model.Name));

        public void Download(ModelRef reference, string outputDir)
        {
            var model = Get(reference);
            var folder = _versions.Single(v => v.Model == model).Folder;
            Directory.CreateDirectory(outputDir);
            foreach (var f in Directory.GetFiles(folder)) File.Copy(f, Path.Combine(outputDir, Path.GetFileName(f)), overwrite: true);
        }

        public ModelVersion Register(NewModelVersion request) => throw new NotSupportedException();
        public IReadOnlyList<ModelVersion> List() => _versions.Select(v => v.Model).ToList();
        public IReadOnlyList<ModelVersion> Versions(string name) => _versions.Where(v => v.Model.Name == name).Select(v => v.Model).ToList();
        public AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null) => throw new NotSupportedException();
        public AliasChange DeleteAlias(string name, string alias, string who, string? reason = null) => throw new NotSupportedException();
        public IReadOnlyList<AliasChange> History(string name) => [];
        public void Delete(string name, int version) => throw new NotSupportedException();
        public RegisteredModel CreateModel(string name, string? description, IReadOnlyDictionary<string, string> tags, string who) => throw new NotSupportedException();
        public RegisteredModel GetModel(string name) => throw new NotSupportedException();
        public IReadOnlyList<RegisteredModel> Models() => throw new NotSupportedException();
        public RegisteredModel UpdateModel(string name, string? description) => throw new NotSupportedException();
        public void SetModelTag(string name, string key, string value) => throw new NotSupportedException();
        public void DeleteModelTag(string name, string key) => throw new NotSupportedException();
        public RegisteredModel RenameModel(string name, string newName) => throw new NotSupportedException();
        public void DeleteModel(string name) => throw new NotSupportedException();
        public ModelVersion UpdateVersion(string name, int version, string? description) => throw new NotSupportedException();
        public void SetVersionTag(string name, int version, string key, string value) => throw new NotSupportedException();
        public void DeleteVersionTag(string name, int version, string key) => throw new NotSupportedException();
    }
}
