using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlPipelines.Compute;

/// <summary>
/// Ends a process and everything it started. On Linux and macOS jobs started by <see cref="LocalProcessTarget"/> lead
/// their own process group (started through <c>setsid</c>), so signalling the group reaches grandchildren even when they
/// were re-parented; <see cref="Process.Kill(bool)"/> covers the remaining descendants and other platforms.
/// </summary>
public static class ProcessTree
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    /// <summary>True when a process with this id exists.</summary>
    public static bool IsAlive(int processId)
    {
        if (processId <= 0) return false;
        if (OperatingSystem.IsLinux()) return LinuxProcFs.TryReadStat(processId) is { } stat && !stat.IsZombie;
        if (!OperatingSystem.IsWindows()) return NativeMethods.kill(processId, 0) == 0 || Marshal.GetLastPInvokeError() == 1 /* EPERM */;
        try { using var p = Process.GetProcessById(processId); return !p.HasExited; } catch (ArgumentException) { return false; }
    }

    /// <summary>True when any process is still in the process group led by <paramref name="processGroupId"/> (Unix only).</summary>
    public static bool GroupIsAlive(int processGroupId)
    {
        if (OperatingSystem.IsWindows() || processGroupId <= 0) return false;
        // Zombies (killed but not yet reaped, e.g. when PID 1 does not reap) still count for kill(2), not for us.
        if (OperatingSystem.IsLinux()) return LinuxProcFs.AnyLiveInGroup(processGroupId);
        return NativeMethods.kill(-processGroupId, 0) == 0;
    }

    /// <summary>
    /// Asks the tree rooted at <paramref name="processId"/> (and its process group) to stop with SIGTERM, waits up to
    /// <paramref name="gracePeriod"/>, then kills whatever is left with SIGKILL. Returns when nothing of the group is left
    /// (or after a short bounded wait).
    /// </summary>
    public static async Task KillAsync(int processId, TimeSpan gracePeriod)
    {
        if (processId <= 0) return;
        Signal(processId, SigTerm);
        var deadline = DateTime.UtcNow + gracePeriod;
        while (DateTime.UtcNow < deadline && (IsAlive(processId) || GroupIsAlive(processId)))
            await Task.Delay(20).ConfigureAwait(false);
        KillNow(processId);
        var hardDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < hardDeadline && GroupIsAlive(processId))
            await Task.Delay(10).ConfigureAwait(false);
    }

    /// <summary>Immediately kills (SIGKILL) the process, its descendants and its process group.</summary>
    public static void KillNow(int processId)
    {
        if (processId <= 0) return;
        try
        {
            using var p = Process.GetProcessById(processId);
            p.Kill(entireProcessTree: true);
        }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
        Signal(processId, SigKill);
    }

    private static void Signal(int processId, int signal)
    {
        if (OperatingSystem.IsWindows())
        {
            if (signal == SigKill) return;
            KillNow(processId);
            return;
        }
        NativeMethods.kill(-processId, signal); // the whole group (the job leads its own group)
        NativeMethods.kill(processId, signal);
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int sig);
    }
}
