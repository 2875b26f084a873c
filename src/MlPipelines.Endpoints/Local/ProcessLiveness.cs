namespace MlPipelines.Endpoints.Local;

/// <summary>Process checks by pid that also work for processes this process did not start (reads /proc on Linux).</summary>
public static class ProcessLiveness
{
    /// <summary>True when a process with this id exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        if (pid <= 0) return false;
        var stat = $"/proc/{pid}/stat";
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var text = File.ReadAllText(stat);
                var close = text.LastIndexOf(')');
                return close > 0 && close + 2 < text.Length && text[close + 2] is not ('Z' or 'X');
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return true; }
        }
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
    }

    /// <summary>When the process started (clock ticks since boot, field 22 of <c>/proc/PID/stat</c>), or null when it is gone or not a live process.</summary>
    public static long? StartTime(int pid)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux()) return null;
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            // fields[0] is the state (field 3), so the start time (field 22) is fields[19].
            if (fields.Length < 20 || fields[0] is "Z" or "X") return null;
            return long.TryParse(fields[19], System.Globalization.CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>The command line of a process ('' when unknown).</summary>
    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Kills a process (and its children) when it is alive and its command line contains <paramref name="marker"/>.</summary>
    public static bool KillIfMatches(int pid, string marker)
    {
        if (!IsAlive(pid) || !CommandLine(pid).Contains(marker, StringComparison.Ordinal)) return false;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            p.Kill(entireProcessTree: true);
            p.WaitForExit(5000);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
