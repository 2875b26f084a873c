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
