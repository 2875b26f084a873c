using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MlPipelines.Cli.Tests.Server;

/// <summary>A real <c>mlp server</c> process (dev certificate, loopback, fixed port so it can be restarted in place).</summary>
public sealed class ServerProcess : IDisposable
{
    private readonly string _root;
    private readonly string _store;
    private Process? _process;

    private ServerProcess(string root, string store, int port)
    {
        _root = root;
        _store = store;
        Port = port;
    }

    public int Port { get; }
    public string Url => $"https://127.0.0.1:{Port}";
    public string AdminToken { get; private set; } = "";
    /// <summary>The dev certificate: next to a SQLite store, in the --artifacts folder with PostgreSQL.</summary>
    public string CaCert => _store.StartsWith("sqlite:", StringComparison.Ordinal)
        ? Path.Combine(_root, "srv", "dev-cert.pem") : Path.Combine(_root, "srv", "workspaces", "dev-cert.pem");
    public int ProcessId => _process!.Id;

    /// <summary>Starts a server on a free port with <paramref name="store"/> (default: SQLite under <paramref name="root"/>).</summary>
    public static ServerProcess Start(string root, string? store = null, params string[] extra)
    {
        var s = new ServerProcess(root, store ?? "sqlite:" + Path.Combine(root, "srv", "server.db"), FreePort());
        s.Launch(extra);
        return s;
    }

    /// <summary>Starts the server again on the same store and port (after <see cref="Kill"/>).</summary>
    public void Restart(params string[] extra) => Launch(extra);

    /// <summary><c>kill -9</c>: no shutdown, no flush.</summary>
    public void Kill()
    {
        if (_process is null) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        _process = null;
    }

    private void Launch(string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in new[] { "server", "--store", _store, "--artifacts", Path.Combine(_root, "srv", "workspaces"), "--listen", $"127.0.0.1:{Port}", "--dev-cert" }.Concat(extra))
            psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        foreach (var v in new[] { "MLP_WORKSPACE", "MLP_SERVER", "MLP_CA_CERT", "MLP_TOKEN" }) psi.Environment.Remove(v);
        _process = Process.Start(psi)!;
        var stderr = _process.StandardError.ReadToEndAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && _process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith("Admin token")) AdminToken = line[(line.LastIndexOf(' ') + 1)..];
            if (line.StartsWith("Listening on "))
            {
                _ = _process.StandardOutput.ReadToEndAsync();
                return;
            }
        }
        Kill();
        throw new InvalidOperationException("mlp server did not start: " + stderr.Result);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public void Dispose() => Kill();
}
