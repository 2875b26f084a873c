using MlPipelines.Core.Images;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>Scoring image records over <c>/api/v1/workspaces/NAME/images</c>.</summary>
internal sealed class RemoteImageStore(RemoteConnection http, WorkspacePaths paths) : IImageStore
{
    public void Save(ImageRecord image) => http.Write(HttpMethod.Post, paths.Of("images"), image);

    /// <summary>By tag or context hash; a tag's '/'-separated parts (<c>registry:5000/repo:tag</c>) are escaped one by one.</summary>
    public ImageRecord? Find(string tagOrHash) =>
        string.IsNullOrWhiteSpace(tagOrHash) ? null : http.GetOrNull<ImageRecord>(paths.Segments(["images", .. tagOrHash.Split('/')]));

    public IReadOnlyList<ImageRecord> List() => http.Get<List<ImageRecord>>(paths.Of("images"));
}
