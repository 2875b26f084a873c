using MlPipelines.Core.Errors;
using MlPipelines.Core.Hashing;
using MlPipelines.Core.Naming;
using MlPipelines.Workspace.Artifacts;

namespace MlPipelines.Workspace.Files;

/// <summary>One entry of a manifest of already-stored files: relative path, content hash, size.</summary>
internal sealed record ManifestEntry(string Path, string Hash, long Size);

/// <summary>
/// Checks a manifest of files whose blobs a client uploaded before registering them (datasets and models registered
/// through the server): paths relative and unique, hashes well-formed, and every blob stored with the stated size.
/// </summary>
internal static class StoredFileManifest
{
    /// <summary>The entries with normalised paths, sorted; InvalidInput names the first bad entry.</summary>
    /// <param name="what">"dataset" or "model", for messages.</param>
    /// <param name="name">The dataset or model name, for messages.</param>
    /// <param name="files">The entries as sent.</param>
    /// <param name="artifacts">Where the blobs must be.</param>
    public static List<ManifestEntry> Check(string what, string name, IEnumerable<ManifestEntry> files, LocalArtifactStore artifacts)
    {
        var result = new List<ManifestEntry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in files)
        {
            var path = ArtifactPaths.Normalize($"{what} file", f.Path);
            if (!seen.Add(path)) throw MlpException.Invalid($"The {what} '{name}' lists file '{path}' twice; each path must appear once.");
            ContentHash.Validate($"hash of {what} file '{path}'", f.Hash);
            if (f.Size < 0) throw MlpException.Invalid($"The {what} file '{path}' has size {f.Size}; expected a size in bytes (0 or more).");
            var stored = artifacts.SizeOf(f.Hash)
                ?? throw MlpException.Invalid($"The {what} file '{path}' of '{name}' names blob '{f.Hash}', which is not in the artifact store; upload it first (PUT …/blobs/{f.Hash}).");
            if (stored != f.Size)
                throw MlpException.Invalid($"The {what} file '{path}' of '{name}' says {f.Size} bytes but its blob '{f.Hash}' has {stored} bytes.");
            result.Add(f with { Path = path });
        }
        if (result.Count == 0) throw MlpException.Invalid($"The {what} '{name}' lists no files; expected at least one.");
        result.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return result;
    }
}
