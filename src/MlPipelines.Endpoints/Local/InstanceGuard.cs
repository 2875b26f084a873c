using System.Diagnostics;
using System.Globalization;

namespace MlPipelines.Endpoints.Local;

/// <summary>
/// Starts a local instance so that it cannot outlive the endpoint daemon, even after <c>kill -9</c> of the daemon.
/// A small <c>/bin/sh</c> guard runs the instance in its own session and process group (<c>setsid</c>) and holds the read
/// end of a pipe whose write end only the daemon has (the guard's stdin). When the daemon dies, however it dies, the
/// kernel closes that pipe; the guard reads EOF and kills the instance's whole process group. The guard also exits with
/// the instance, so a supervisor waiting on it sees the instance's exit. (Compute jobs have a similar guard; the two
/// should share one implementation.)
/// </summary>
internal static class InstanceGuard
{
    // $1.. = command. Prints the instance pid on stdout (the instance's own output follows on the same pipe), then waits; the watcher subshell uses the builtin
    // 'read', so no extra process lingers, and kills the group (and the pid, in case setsid had not run yet) on EOF.
    private const string Script = """
        exec 3<&0
        setsid "$@" </dev/null 2>&1 3<&- &
        child=$!
        echo "$child"
        ( while read -r _ <&3; do :; done; kill -9 "-$child" 2>/dev/null; kill -9 "$child" 2>/dev/null ) &
        watcher=$!
        exec 3<&-
        wait "$child"
        code=$?
        kill "$watcher" 2>/dev/null
        exit "$code"
        """;

    /// <summary>A started guard: the guard process and the instance's pid (which leads its own process group).</summary>
    public sealed record Started(Process Guard, int InstancePid);

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/> under a guard; each output line (stdout and stderr) goes to <paramref name="onOutput"/>.</summary>
    public static Started Start(string fileName, IEnumerable<string> arguments, string workingDirectory, Action<string> onOutput,
        IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false, WorkingDirectory = workingDirectory, RedirectStandardInput = true, RedirectStandardOutput = true,
        };
        foreach (var a in new[] { "-c", Script, "mlp-instance-guard", fileName }.Concat(arguments)) psi.ArgumentList.Add(a);
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        var guard = Process.Start(psi) ?? throw new InvalidOperationException($"'{fileName}' did not start");
        var line = guard.StandardOutput.ReadLine();
        if (!int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            try { guard.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            guard.Dispose();
            throw new InvalidOperationException($"the instance guard of '{fileName}' did not report a pid");
        }
        _ = PumpAsync(guard.StandardOutput, onOutput);
        return new Started(guard, pid);
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

    /// <summary>Kills the instance's process group (and the guard) now; safe to call when they are gone already.</summary>
    public static void Kill(Started started)
    {
        KillGroup(started.InstancePid);
        try { started.Guard.StandardInput.Close(); } catch (IOException) { } // the guard's watcher kills the group too
        try
        {
            if (!started.Guard.HasExited) started.Guard.Kill(entireProcessTree: true);
            started.Guard.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>SIGKILL to a process group led by <paramref name="pid"/> and to the pid itself.</summary>
    public static void KillGroup(int pid)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux()) return;
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", "-" + pid, pid.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false, RedirectStandardError = true,
        });
        kill?.WaitForExit(5000);
    }
}
