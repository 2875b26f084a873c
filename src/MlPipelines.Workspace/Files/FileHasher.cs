using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Caching;

namespace MlPipelines.Workspace.Files;

/// <summary>Hashes files, reusing the file-hash index so an unchanged file (same size, mtime, inode) is not read again.</summary>
internal sealed class FileHasher(LocalStepCache cache)
{
    public (string Hash, long Size) Hash(FileInfo file)
    {
        var id = FileIdentity.Of(file);
        var known = cache.FindFileHash(id.FullPath, id.Size, id.MtimeTicks, id.Inode);
        if (known is not null) return (known, id.Size);
        var hash = ContentHash.OfFile(file.FullName);
        cache.PutFileHash(id.FullPath, id.Size, id.MtimeTicks, id.Inode, hash);
        return (hash, id.Size);
    }
}
