using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Hashing;
using MlPipelines.Workspace.Artifacts;
using MlPipelines.Workspace.Caching;

namespace MlPipelines.Workspace.Files;

/// <summary>One file of a registered file set: its path inside the set, content hash, size and where it is on disk.</summary>
internal sealed record IngestedFile(string Path, string Hash, long Size, string FullPath);

/// <summary>
/// Hashes (and optionally stores) the files of a file or folder, reusing the file-hash index: a file whose path, size,
/// mtime and inode are unchanged is not read again, and its blob is not copied again when already stored.
/// </summary>
internal sealed class FileIngest(LocalStepCache cache, LocalArtifactStore artifacts)
{
    /// <summary>
    /// The files of a file (one entry named after it) or a folder (all files, recursively), sorted by path. In a folder,
    /// links are read with the <see cref="FolderWalker"/> rule: one out of the folder, dangling or looping is skipped
    /// and reported in the warnings.
    /// </summary>
    public static (List<(string Rel, FileInfo Info)> Files, bool IsFile, IReadOnlyList<string> Warnings) Enumerate(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (File.Exists(full)) return ([(System.IO.Path.GetFileName(full), new FileInfo(full))], true, []);
        if (!Directory.Exists(full)) throw MlpException.Invalid($"The path '{path}' does not exist; expected a file or a folder.");
        var walk = FolderWalker.Walk(full);
        var files = walk.Files.Select(f => (Rel: f.RelativePath, Info: new FileInfo(f.FullPath))).ToList();
        if (files.Count == 0)
            throw MlpException.Invalid($"The folder '{path}' has no files{(walk.Warnings.Count > 0 ? " once links are skipped: " + string.Join(" ", walk.Warnings) : ".")}");
        return (files, false, walk.Warnings);
    }

    /// <summary>Hashes the files and, when <paramref name="store"/>, puts them in the artifact store. Index updates go in one transaction.</summary>
    public List<IngestedFile> Ingest(IReadOnlyList<(string Rel, FileInfo Info)> files, bool store)
    {
        var result = new List<IngestedFile>(files.Count);
        var learned = new List<(string, long, long, long, string)>();
        foreach (var (rel, info) in files)
        {
            var id = FileIdentity.Of(info);
            var hash = cache.FindFileHash(id.FullPath, id.Size, id.MtimeTicks, id.Inode);
            if (hash is null || (store && !artifacts.Exists(hash)))
            {
                hash = store ? artifacts.PutFile(info.FullName).Hash : ContentHash.OfFile(info.FullName);
                learned.Add((id.FullPath, id.Size, id.MtimeTicks, id.Inode, hash));
            }
            result.Add(new IngestedFile(rel, hash, id.Size, info.FullName));
        }
        cache.PutFileHashes(learned);
        return result;
    }

    /// <summary>Hash over the sorted (path, file hash) list.</summary>
    public static string SetHash(IEnumerable<(string Path, string Hash)> files) =>
        ContentHash.OfParts(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new KeyValuePair<string, string>(f.Path, f.Hash)));
}
