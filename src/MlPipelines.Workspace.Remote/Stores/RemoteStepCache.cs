using System.Collections.Concurrent;
using MlPipelines.Core.Caching;
using MlPipelines.Workspace.Remote.Http;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>The step cache over <c>…/cache</c>.</summary>
internal sealed class RemoteStepCache(RemoteConnection http, WorkspacePaths paths) : IStepCache
{
    public CacheEntry? Find(string key) => http.GetOrNull<CacheEntry>(paths.Of("cache/entries/" + Uri.EscapeDataString(key)));

    public CacheEntry? Latest(string pipeline, string step) =>
        http.GetOrNull<CacheEntry>(paths.Of("cache/latest") + WorkspacePaths.Query(("pipeline", pipeline), ("step", step)));

    public void Put(CacheEntry entry) => http.Write(HttpMethod.Put, paths.Of("cache/entries/" + Uri.EscapeDataString(entry.Key)), entry);
}

/// <summary>
/// The file-hash index of a remote workspace stays on the client: it maps this machine's paths (with size, mtime and
/// inode) to content hashes, which mean nothing on the server. Kept for the life of the process.
/// </summary>
internal sealed class ClientFileHashIndex : IFileHashIndex
{
    private readonly ConcurrentDictionary<(string, long, long, long), string> _hashes = new();

    public string? FindFileHash(string fullPath, long size, long mtimeTicks, long inode) =>
        _hashes.TryGetValue((fullPath, size, mtimeTicks, inode), out var h) ? h : null;

    public void PutFileHash(string fullPath, long size, long mtimeTicks, long inode, string hash) =>
        _hashes[(fullPath, size, mtimeTicks, inode)] = hash;
}
