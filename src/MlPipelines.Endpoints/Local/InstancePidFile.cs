using System.Globalization;
using MlPipelines.Core.Processes;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// Where a running local instance is recorded on this machine: <c>endpoints/ENDPOINT/DEPLOYMENT/instance-N.pid</c> holding
/// its pid and the kernel start time of that pid, so a command can stop it without the daemon and never kills a process
/// that merely reuses the pid.
/// </summary>
public static class InstancePidFile
{
    /// <summary>Records <paramref name="pid"/> (with its start time) at <paramref name="path"/>.</summary>
    public static void Write(string path, int pid)
    {
        if (ProcessLiveness.StartTime(pid) is not { } started) return;
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, string.Create(CultureInfo.InvariantCulture, $"{pid} {started}\n"));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Kills the recorded instance when the pid still belongs to the process that was recorded; deletes the file. True when one was killed.</summary>
    public static bool KillRecorded(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            File.Delete(path);
            if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
                || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var started)) return false;
            if (ProcessLiveness.StartTime(pid) != started) return false; // gone, or the pid was reused by another process
            GuardedProcess.KillGroup(pid);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Kills every instance recorded under <paramref name="root"/> (all endpoints of a workspace); returns how many.</summary>
    public static int KillAll(string root) =>
        Directory.Exists(root) ? Directory.EnumerateFiles(root, "instance-*.pid", SearchOption.AllDirectories).Count(KillRecorded) : 0;
}
