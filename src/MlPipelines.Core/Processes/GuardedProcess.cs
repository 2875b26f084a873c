using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MlPipelines.Core.Processes;

/// <summary>
/// A program that, with everything it starts, dies with the process that started it — also when that process is killed
/// with SIGKILL and has no chance to clean up. On Unix the program runs in its own session and process group
/// (<c>setsid</c>); before the program is exec'd, a tiny shell watcher forks into the same group and blocks reading the
/// program's standard input, a pipe whose only writer is the parent (the lifeline). When the parent exits for any reason
/// the kernel closes that pipe, the watcher reads end-of-file and kills the whole group. The program gets
/// <c>/dev/null</c> as standard input and keeps the process id the caller sees (the shell execs into it), so that id
/// leads the group, and the exit code is the program's own.
/// </summary>
/// <remarks>
/// Compute jobs use <see cref="Apply"/> and read the two output streams themselves; endpoint instances use
/// <see cref="Start"/>, which merges them into one line callback. Where <c>setsid</c> or <c>/bin/sh</c> is missing
/// (Windows), the program is started directly, without the guard.
/// </remarks>
public sealed class GuardedProcess : IDisposable
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string ShellPath = "/bin/sh";

    // fd 3 keeps the lifeline for the watcher; the program gets /dev/null and never sees fd 3. The watcher writes
    // nowhere, so it never holds the program's output pipes open after the program is gone.
    private const string Script =
        "exec 3<&0 </dev/null\n" +
        "{ read -r _ <&3 || :; kill -9 0; } >/dev/null 2>&1 &\n" +
        "exec 3<&- \"$@\"";

    private GuardedProcess(Process process)
    {
        Process = process;
        Pid = process.Id;
    }

    /// <summary>True when programs can be guarded on this machine.</summary>
    public static bool IsSupported => !OperatingSystem.IsWindows() && File.Exists(SetsidPath) && File.Exists(ShellPath);

    /// <summary>The running program (its standard input is the lifeline: keep it open while the program may live).</summary>
    public Process Process { get; }

    /// <summary>The program's process id; under the guard it also leads the program's process group.</summary>
    public int Pid { get; }

    /// <summary>
    /// Fills <paramref name="psi"/>'s file name and argument list to run <paramref name="program"/> with
    /// <paramref name="arguments"/> under the guard, and redirects its standard input (the lifeline). The caller must
    /// keep <see cref="Process.StandardInput"/> open for as long as the program may live; closing it ends the group.
    /// With <paramref name="mergeErrorIntoOutput"/> the program's standard error goes to its standard output.
    /// </summary>
    public static void Apply(ProcessStartInfo psi, string program, IEnumerable<string> arguments, bool mergeErrorIntoOutput = false)
    {
        psi.RedirectStandardInput = true;
        psi.ArgumentList.Clear();
        if (!IsSupported)
        {
            psi.FileName = program;
            foreach (var a in arguments) psi.ArgumentList.Add(a);
            return;
        }
        psi.FileName = SetsidPath;
        psi.ArgumentList.Add(ShellPath);
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(mergeErrorIntoOutput ? "exec 2>&1\n" + Script : Script);
        psi.ArgumentList.Add("mlp-guard");
        psi.ArgumentList.Add(program);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> with <paramref name="arguments"/> under the guard; each line it writes (standard
    /// output and error, in the order written) goes to <paramref name="onOutput"/>.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">the program (or the guard's shell) could not be started.</exception>
    public static GuardedProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, Action<string> onOutput)
    {
        var psi = new ProcessStartInfo
        {
            UseShellExecute = false, WorkingDirectory = workingDirectory, RedirectStandardOutput = true,
            RedirectStandardError = !IsSupported, // without the shell there is no 2>&1: read both
        };
        Apply(psi, fileName, arguments, mergeErrorIntoOutput: true);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"'{fileName}' did not start");
        _ = PumpAsync(process.StandardOutput, onOutput);
        if (psi.RedirectStandardError) _ = PumpAsync(process.StandardError, onOutput);
        return new GuardedProcess(process);
    }

    private static async Task PumpAsync(StreamReader output, Action<string> onOutput)
    {
        try
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is { } line) onOutput(line);
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Kills the program's process group now and waits (up to 5 s) for it to exit; safe when it is gone already.</summary>
    public void Kill()
    {
        KillGroup(Pid);
        try { Process.StandardInput.Close(); } catch (IOException) { } // the watcher kills the group too
        try
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>SIGKILL to the process group led by <paramref name="pid"/> and to the pid itself (a no-op on Windows).</summary>
    public static void KillGroup(int pid)
    {
        if (pid <= 0 || OperatingSystem.IsWindows()) return;
        NativeMethods.kill(-pid, SigKill);
        NativeMethods.kill(pid, SigKill);
    }

    /// <summary>Closes the lifeline (which ends whatever the program left in its group) and releases the process object.</summary>
    public void Dispose()
    {
        // Process.Dispose leaves the standard streams open, so the watcher would wait for the finalizer.
        try { Process.StandardInput.Close(); } catch (IOException) { }
        Process.Dispose();
    }

    private const int SigKill = 9;

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int sig);
    }
}
