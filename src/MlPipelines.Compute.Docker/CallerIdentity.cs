using System.Globalization;

namespace MlPipelines.Compute.Docker;

/// <summary>The uid:gid of this process (Linux: from <c>/proc/self/status</c>), the default user of docker jobs.</summary>
internal static class CallerIdentity
{
    private static readonly Lazy<string?> Cached = new(Read);

    /// <summary><c>uid:gid</c>, or null where it cannot be read (then the image's user applies).</summary>
    public static string? UidGid => Cached.Value;

    private static string? Read()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        string? uid = null, gid = null;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal)) uid = Effective(line);
            else if (line.StartsWith("Gid:", StringComparison.Ordinal)) gid = Effective(line);
        }
        return uid is not null && gid is not null ? $"{uid}:{gid}" : null;
    }

    // "Uid:\t1000\t1000\t1000\t1000": real, effective, saved, file-system; the effective id is the one files get.
    private static string? Effective(string line)
    {
        var parts = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 2 && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _) ? parts[2] : null;
    }
}
