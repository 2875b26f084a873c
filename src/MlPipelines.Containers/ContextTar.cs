using System.Formats.Tar;

namespace MlPipelines.Containers;

/// <summary>Writes a folder as an uncompressed tar (the Engine API build context): sorted entries, fixed times and modes,
/// so the same folder always gives the same bytes.</summary>
public static class ContextTar
{
    private static readonly DateTimeOffset FixedTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Writes every file under <paramref name="directory"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(string directory, Stream output, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(directory);
        await using var tar = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        var dirs = Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Select(d => Rel(root, d)).Order(StringComparer.Ordinal);
        foreach (var d in dirs)
        {
            var entry = new PaxTarEntry(TarEntryType.Directory, d + "/") { ModificationTime = FixedTime, Mode = Mode(0b111_101_101) };
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).OrderBy(f => Rel(root, f), StringComparer.Ordinal))
        {
            await using var content = File.OpenRead(file);
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0;
            var entry = new PaxTarEntry(TarEntryType.RegularFile, Rel(root, file))
            {
                ModificationTime = FixedTime, Mode = Mode(executable ? 0b111_101_101 : 0b110_100_100), DataStream = content,
            };
            await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Rel(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    private static UnixFileMode Mode(int bits) => (UnixFileMode)bits;
}
