using System.Globalization;

namespace MlPipelines.Compute;

/// <summary>Reads process state and group from <c>/proc/PID/stat</c> (Linux).</summary>
internal static class LinuxProcFs
{
    internal readonly record struct Stat(char State, int ProcessGroup)
    {
        public bool IsZombie => State is 'Z' or 'X' or 'x';
    }

    internal static Stat? TryReadStat(int pid)
    {
        string text;
        try { text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat"); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
        // Format: pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses, so parse after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0) return null;
        var fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3 || fields[0].Length == 0) return null;
        return int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp) ? new Stat(fields[0][0], pgrp) : null;
    }

    internal static bool AnyLiveInGroup(int pgid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)) continue;
            if (TryReadStat(pid) is { } s && s.ProcessGroup == pgid && !s.IsZombie) return true;
        }
        return false;
    }
}
