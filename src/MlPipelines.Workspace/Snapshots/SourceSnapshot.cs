using System.IO.Compression;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Hashing;

namespace MlPipelines.Workspace.Snapshots;

/// <summary>
/// A deterministic zip of a source folder: entries sorted by path with a fixed timestamp, so the same tree always
/// gives the same bytes and hash. Honours <c>.gitignore</c> and <c>.mlpignore</c> files (in any folder) and always
/// skips <c>.git/</c>, <c>.mlp/</c>, <c>bin/</c> and <c>obj/</c>. Symbolic links follow the <see cref="FolderWalker"/> rule.
/// </summary>
public sealed class SourceSnapshot
{
    /// <summary>Folders never included, at any depth.</summary>
    public static IReadOnlyList<string> AlwaysSkipped { get; } = [".git", ".mlp", "bin", "obj"];

    /// <summary>Default cap on the total size of the files in a snapshot (100 MiB).</summary>
    public const long DefaultMaxBytes = 100L * 1024 * 1024;

    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private SourceSnapshot(byte[] zip, IReadOnlyList<string> files, long totalBytes, IReadOnlyList<string> warnings)
    {
        Warnings = warnings;
        Zip = zip;
        Files = files;
        TotalBytes = totalBytes;
        Hash = ContentHash.Of(zip);
    }

    /// <summary>The zip file's bytes.</summary>
    public byte[] Zip { get; }
    /// <summary>SHA-256 of <see cref="Zip"/>.</summary>
    public string Hash { get; }
    /// <summary>Relative paths (forward slashes) of the files included, sorted.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>Total size of the included files before compression.</summary>
    public long TotalBytes { get; }
    /// <summary>Symbolic links left out because they point outside the folder, dangle or loop (each names the link and its target).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Snapshots <paramref name="sourceDir"/>; throws Invalid naming the size, the cap and the largest files when over <paramref name="maxBytes"/>.</summary>
    public static SourceSnapshot Create(string sourceDir, long maxBytes = DefaultMaxBytes)
    {
        var root = Path.GetFullPath(sourceDir);
        if (!Directory.Exists(root)) throw MlpException.Invalid($"The source folder '{sourceDir}' does not exist.");
        var rules = new IgnoreRules();
        var walk = FolderWalker.Walk(root,
            include: (rel, isDir) => !(isDir && AlwaysSkipped.Contains(Path.GetFileName(rel))) && !rules.IsIgnored(rel, isDir),
            entering: (rel, dir) => LoadIgnoreFiles(rules, rel, dir));
        var files = walk.Files.Select(f => (f.RelativePath, Info: new FileInfo(f.FullPath))).ToList();
        var total = files.Sum(f => f.Info.Length);
        if (total > maxBytes)
        {
            var largest = files.OrderByDescending(f => f.Info.Length).Take(5).Select(f => $"{f.RelativePath} ({Size(f.Info.Length)})");
            throw MlpException.Invalid(
                $"The source snapshot of '{sourceDir}' would be {Size(total)} in {files.Count} files, over the cap of {Size(maxBytes)}. " +
                $"Largest files: {string.Join(", ", largest)}. Add them to .mlpignore (or .gitignore), or raise the cap.");
        }
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (rel, info) in files)
            {
                var entry = zip.CreateEntry(rel, CompressionLevel.Optimal);
                entry.LastWriteTime = FixedTime;
                using var input = info.OpenRead();
                using var output = entry.Open();
                input.CopyTo(output);
            }
        }
        return new SourceSnapshot(ms.ToArray(), files.Select(f => f.RelativePath).ToList(), total, walk.Warnings);
    }

    /// <summary>Writes the zip to a file.</summary>
    public void WriteTo(string path) => File.WriteAllBytes(path, Zip);

    internal static void LoadIgnoreFiles(IgnoreRules rules, string rel, string dir)
    {
        foreach (var name in new[] { ".gitignore", ".mlpignore" })
        {
            var f = Path.Combine(dir, name);
            if (File.Exists(f)) rules.Add(rel, File.ReadAllLines(f));
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.0} KiB",
        _ => $"{bytes} B",
    };
}
