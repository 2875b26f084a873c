using System.Diagnostics;

namespace MlPipelines.Endpoints.Tests.Support;

/// <summary>A real stand-in scoring process on 127.0.0.1 (tests/MlPipelines.Endpoints.StandIn).</summary>
internal sealed class StandInBackend : IDisposable
{
    private readonly Process _process;

    private StandInBackend(Process process, string name, string address)
    {
        _process = process;
        Name = name;
        Address = address;
    }

    public string Name { get; }
    public string Address { get; }
    public int Pid => _process.Id;

    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "MlPipelines.Endpoints.StandIn.dll");

    public static async Task<StandInBackend> StartAsync(string name, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { DllPath, "--urls", "http://127.0.0.1:0", "--name", name }.Concat(extra)) psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token)
                ?? throw new InvalidOperationException($"stand-in '{name}' exited with {process.ExitCode}");
            const string marker = "listening on ";
            var i = line.IndexOf(marker, StringComparison.Ordinal);
            if (i < 0) continue;
            var backend = new StandInBackend(process, name, line[(i + marker.Length)..].Trim().TrimEnd('/'));
            using var warm = new HttpClient();
            await warm.GetStringAsync(backend.Address + "/health/live", cts.Token); // JIT the request path before tests time it
            return backend;
        }
    }

    public async Task<long> CountAsync(HttpClient http) => long.Parse(await http.GetStringAsync(Address + "/count"));

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); _process.WaitForExit(5000); }
        catch (InvalidOperationException) { /* already gone */ }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
