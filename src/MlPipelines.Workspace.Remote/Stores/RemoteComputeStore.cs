using MlPipelines.Core.Compute;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>Registered compute targets over <c>/api/v1/workspaces/NAME/computes</c>.</summary>
internal sealed class RemoteComputeStore(RemoteConnection http, WorkspacePaths paths) : IComputeStore
{
    public ComputeTargetDefinition Create(ComputeTargetDefinition target) =>
        http.Write<ComputeTargetDefinition>(HttpMethod.Post, paths.Of("computes"), ComputeKinds.Validate(target));

    public ComputeTargetDefinition? Find(string name) =>
        string.IsNullOrWhiteSpace(name) ? null : http.GetOrNull<ComputeTargetDefinition>(paths.Segments("computes", name));

    public IReadOnlyList<ComputeTargetDefinition> List() => http.Get<List<ComputeTargetDefinition>>(paths.Of("computes"));

    public bool Delete(string name) => http.Write<Deleted>(HttpMethod.Delete, paths.Segments("computes", name), null).Count > 0;
}

/// <summary>The server's answer to a delete.</summary>
internal sealed record Deleted
{
    /// <summary>How many records went.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("deleted")]
    public int Count { get; init; }
}
