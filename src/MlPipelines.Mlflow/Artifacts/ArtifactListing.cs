using MlPipelines.Core.Runs;

namespace MlPipelines.Mlflow.Artifacts;

/// <summary>One entry of an artifact listing: MLflow's <c>FileInfo</c> (a size only for files).</summary>
/// <param name="Name">The entry's name inside the listed folder.</param>
/// <param name="IsDir">True for a folder (a prefix of other outputs).</param>
/// <param name="Size">Bytes of a file; null for a folder.</param>
internal sealed record ArtifactEntry(string Name, bool IsDir, long? Size);

/// <summary>The folders MLflow shows over a run's outputs: an output <c>a/b/c.txt</c> makes folders <c>a</c> and <c>a/b</c>.</summary>
internal static class ArtifactListing
{
    /// <summary>
    /// The entries directly inside <paramref name="folder"/> (null = the run's artifact root), sorted by name. A folder
    /// that holds nothing, or a path that is a file, lists nothing (as MLflow's file store answers).
    /// </summary>
    public static IReadOnlyList<ArtifactEntry> Children(IEnumerable<RunOutput> outputs, string? folder)
    {
        var prefix = folder is null ? "" : folder + "/";
        var entries = new SortedDictionary<string, ArtifactEntry>(StringComparer.Ordinal);
        foreach (var o in outputs)
        {
            if (!o.Path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rest = o.Path[prefix.Length..];
            var slash = rest.IndexOf('/');
            if (slash < 0) entries[rest] = new ArtifactEntry(rest, false, o.Size);
            else entries.TryAdd(rest[..slash], new ArtifactEntry(rest[..slash], true, null));
        }
        return [.. entries.Values];
    }

    /// <summary>The outputs at or under <paramref name="path"/>: the one file, or every file of that folder.</summary>
    public static IEnumerable<RunOutput> AtOrUnder(IEnumerable<RunOutput> outputs, string path) =>
        outputs.Where(o => o.Path == path || o.Path.StartsWith(path + "/", StringComparison.Ordinal));
}
