using MlPipelines.Core.Errors;
using MlPipelines.Core.Registry;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Files;
using MlPipelines.Workspace.Runs;
using MlPipelines.Workspace.Sqlite;

namespace MlPipelines.Workspace.Registry;

/// <summary>The model registry (placeholder until the registry lands).</summary>
internal sealed class LocalModelRegistry(SqliteDb db, LocalArtifactStore artifacts, FileHasher hasher, LocalRunStore runs, LocalWorkspaceOptions options) : IModelRegistry
{
    private static MlpException Todo() => MlpException.Unavailable("The model registry is not implemented in this build yet.");
    private readonly object _unused = (db, artifacts, hasher, runs, options);
    public ModelVersion Register(NewModelVersion request) => throw Todo();
    public ModelVersion Get(ModelRef reference) => throw Todo();
    public IReadOnlyList<ModelVersion> List() => throw Todo();
    public IReadOnlyList<ModelVersion> Versions(string name) => throw Todo();
    public AliasChange SetAlias(string name, string alias, int version, string who, string? reason = null) => throw Todo();
    public AliasChange DeleteAlias(string name, string alias, string who, string? reason = null) => throw Todo();
    public IReadOnlyList<AliasChange> History(string name) => throw Todo();
    public void Delete(string name, int version) => throw Todo();
    public void Download(ModelRef reference, string outputDir) => throw Todo();
}
