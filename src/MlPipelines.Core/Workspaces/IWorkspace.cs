using MlPipelines.Core.Artifacts;
using MlPipelines.Core.Caching;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Data;
using MlPipelines.Core.Endpoints;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Images;
using MlPipelines.Core.Registry;
using MlPipelines.Core.Runs;

namespace MlPipelines.Core.Workspaces;

/// <summary>
/// The one interface every reader and writer of workspace state goes through (local SQLite + content-addressed
/// files, or a remote workspace server). Nothing outside an implementation touches SQL or the <c>.mlp/</c> layout.
/// </summary>
public interface IWorkspace : IDisposable
{
    /// <summary>Where the workspace is and which schema it has.</summary>
    WorkspaceInfo Info { get; }
    /// <summary>Experiments and runs.</summary>
    IRunStore Runs { get; }
    /// <summary>Content-addressed blobs.</summary>
    IArtifactStore Artifacts { get; }
    /// <summary>Datastores and datasets.</summary>
    IDatasetStore Datasets { get; }
    /// <summary>Model registry.</summary>
    IModelRegistry Models { get; }
    /// <summary>Scoring images.</summary>
    IImageStore Images { get; }
    /// <summary>Endpoints and deployments.</summary>
    IEndpointStore Endpoints { get; }
    /// <summary>Registered compute targets.</summary>
    IComputeStore Computes { get; }
    /// <summary>Environment versions and their built images.</summary>
    IEnvironmentStore Environments { get; }
    /// <summary>Step cache and file-hash index.</summary>
    IStepCache Cache { get; }
    /// <summary>The file-hash index of input and source files.</summary>
    IFileHashIndex FileHashes { get; }
    /// <summary>Workspace settings (e.g. <c>image.dotnet.base</c>), string key/values.</summary>
    IReadOnlyDictionary<string, string> Settings { get; }
    /// <summary>Sets a workspace setting.</summary>
    void SetSetting(string key, string value);
    /// <summary>Counts and sizes for <c>mlp workspace show</c>.</summary>
    WorkspaceStats Stats();
    /// <summary>A folder for transient files of this workspace (scratch outputs, rendered contexts, pid files).</summary>
    string ScratchDirectory { get; }

    /// <summary>
    /// The environment variables a process of run <paramref name="runId"/> (a submitted command, a pipeline step) needs
    /// to reach this workspace: <c>MLP_WORKSPACE</c>, and for a remote workspace a token scoped to that run.
    /// </summary>
    IReadOnlyDictionary<string, string> ProcessEnvironment(string runId) => new Dictionary<string, string> { ["MLP_WORKSPACE"] = Info.Location };
}

/// <summary>Location and schema of a workspace.</summary>
public sealed record WorkspaceInfo(string Location, string Kind, int SchemaVersion);

/// <summary>Counts and sizes of a workspace.</summary>
public sealed record WorkspaceStats(int Experiments, int Runs, long MetricPoints, int Datasets, int Models, int Images, int Endpoints, long ArtifactBytes, long ArtifactCount, long DatabaseBytes)
{
    /// <summary>Problems worth fixing, e.g. a folder or database file readable by other users (names the path, its mode and the chmod).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
