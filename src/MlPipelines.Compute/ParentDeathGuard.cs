using System.Diagnostics;

namespace MlPipelines.Compute;

/// <summary>
/// Starts a program so that it, and everything it starts, dies with the process that started it — also when that
/// process is killed with SIGKILL and has no chance to clean up. On Unix the program runs in its own session and
/// process group (<c>setsid</c>); before the program is exec'd, a tiny shell watcher forks into the same group and
/// blocks reading the job's standard input, a pipe whose only writer is the parent. When the parent exits for any
/// reason the kernel closes that pipe, the watcher reads end-of-file and kills the whole group. The program itself
/// gets <c>/dev/null</c> as standard input and keeps the process id the caller sees (the shell execs into it).
/// </summary>
/// <remarks>
/// The caller must start the process with <see cref="ProcessStartInfo.RedirectStandardInput"/> set and keep
/// <see cref="Process.StandardInput"/> open for as long as the job may live; closing it ends the job's group.
/// Where <c>setsid</c> or <c>/bin/sh</c> is missing (Windows), the program is started directly.
/// </remarks>
public static class ParentDeathGuard
{
    private const string SetsidPath = "/usr/bin/setsid";
    private const string ShellPath = "/bin/sh";

    // fd 3 keeps the parent's pipe for the watcher; the program gets /dev/null and never sees fd 3.
    private const string Script =
        "exec 3<&0 </dev/null\n" +
        "{ read -r _ <&3 || :; kill -9 0; } &\n" +
        "exec 3<&- \"$@\"";

    /// <summary>True when jobs can be guarded on this machine.</summary>
    public static bool IsSupported => !OperatingSystem.IsWindows() && File.Exists(SetsidPath) && File.Exists(ShellPath);

    /// <summary>
    /// Fills <paramref name="psi"/>'s file name and argument list to run <paramref name="program"/> with
    /// <paramref name="arguments"/> under the guard, and redirects its standard input (the lifeline).
    /// </summary>
    public static void Apply(ProcessStartInfo psi, string program, IEnumerable<string> arguments)
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
        psi.ArgumentList.Add(Script);
        psi.ArgumentList.Add("mlp-guard");
        psi.ArgumentList.Add(program);
        foreach (var a in arguments) psi.ArgumentList.Add(a);
    }
}
