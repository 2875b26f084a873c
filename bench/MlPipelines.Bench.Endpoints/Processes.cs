using System.Diagnostics;

namespace MlPipelines.Bench.Endpoints;

/// <summary>Child processes of the benchmark, started and stopped by pid.</summary>
internal sealed class Processes : IDisposable
{
    private readonly List<Process> _started = [];

    /// <summary>Starts a process and waits for a stdout line containing <paramref name="marker"/>; returns the text after it.</summary>
    public async Task<string> StartAsync(string file, IEnumerable<string> args, string marker)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        var p = Process.Start(psi)!;
        _started.Add(p);
        p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 }) Console.Error.WriteLine($"  [{Path.GetFileName(file)} {p.Id}] {e.Data}"); };
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = await p.StandardOutput.ReadLineAsync(cts.Token) ?? throw new InvalidOperationException($"{file} exited with {p.ExitCode}");
            var i = line.IndexOf(marker, StringComparison.Ordinal);
            if (i < 0) continue;
            _ = DrainAsync(p);
            return line[(i + marker.Length)..].Trim().TrimEnd('/');
        }
    }

    public int Start(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _started.Add(p);
        _ = DrainAsync(p);
        return p.Id;
    }

    private static async Task DrainAsync(Process p)
    {
        try { await p.StandardOutput.BaseStream.CopyToAsync(Stream.Null); } catch (IOException) { }
    }

    public void Dispose()
    {
        foreach (var p in _started)
        {
            try { if (!p.HasExited) { p.Kill(entireProcessTree: true); p.WaitForExit(5000); } }
            catch (InvalidOperationException) { }
            p.Dispose();
        }
    }
}
