using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Files;

namespace MlPipelines.Workspace.Remote.Stores;

/// <summary>One file of a client folder after upload: path inside the set, content hash, size.</summary>
internal sealed record UploadedFile(string Path, string Hash, long Size);

/// <summary>
/// Reads a client-side file or folder with the same rule as the local stores (<see cref="FileIngest.Enumerate"/>: links
/// out of the folder are skipped, each with a warning), hashes every file, uploads the blobs the server lacks, and
/// returns the manifest to register.
/// </summary>
internal static class ClientFolderUpload
{
    /// <summary>The uploaded files, sorted by path, and whether <paramref name="path"/> was a single file.</summary>
    public static (List<UploadedFile> Files, bool IsFile) Upload(RemoteArtifactStore artifacts, string path, Action<string>? onWarning)
    {
        var (found, isFile, warnings) = FileIngest.Enumerate(path);
        foreach (var w in warnings) onWarning?.Invoke(w);
        var hashed = found.Select(f => (f.Rel, f.Info.FullName, Hash: ContentHash.OfFile(f.Info.FullName), Size: new FileInfo(f.Info.FullName).Length)).ToList();
        var missing = artifacts.Missing(hashed.Select(h => h.Hash));
        var uploaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var h in hashed)
            if (missing.Contains(h.Hash) && uploaded.Add(h.Hash)) artifacts.Upload(h.FullName, h.Hash, h.Size, knownMissing: true);
        return (hashed.Select(h => new UploadedFile(h.Rel, h.Hash, h.Size)).ToList(), isFile);
    }
}
