using System.Diagnostics;
using System.Text.Json;
using MlPipelines.Cli.Tests.Registry;

namespace MlPipelines.Cli.Tests.Server;

/// <summary>The real <c>mlp server</c> process with a generated certificate, driven by the real <c>mlp</c> client commands.</summary>
public sealed class ServerCliTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlp-cli-server-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    private ProcessStartInfo Psi(string[] args, string? token)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = _root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlp.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["COLUMNS"] = "200";
        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(_root, "config");
        foreach (var v in new[] { "MLP_WORKSPACE", "MLP_SERVER", "MLP_CA_CERT", "MLP_TOKEN" }) psi.Environment.Remove(v);
        if (token is not null) psi.Environment["MLP_TOKEN"] = token;
        return psi;
    }

    private CliResult Mlp(string? token, params string[] args)
    {
        using var p = Process.Start(Psi(args, token))!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000)) { p.Kill(true); throw new TimeoutException($"mlp {string.Join(' ', args)} did not exit."); }
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Server_InsecureHttpOnNonLoopback_Exit2SayingWhy()
    {
        var r = Mlp(null, "server", "--store", "sqlite:" + Path.Combine(_root, "s.db"), "--listen", "0.0.0.0:18080", "--insecure-http");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--insecure-http is allowed only on a loopback address", r.Stderr);
        Assert.False(File.Exists(Path.Combine(_root, "s.db")));
    }

    [Fact]
    public async Task Server_OwnerAddsReader_ReaderIsDeniedWritesWithTheAction()
    {
        using var server = Process.Start(Psi(["server", "--store", "sqlite:" + Path.Combine(_root, "srv", "server.db"), "--listen", "127.0.0.1:0", "--dev-cert"], null))!;
        try
        {
            var stderr = server.StandardError.ReadToEndAsync();
            string? url = null, adminToken = null, fingerprint = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (url is null && DateTime.UtcNow < deadline && server.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("Admin token")) adminToken = line[(line.LastIndexOf(' ') + 1)..];
                if (line.StartsWith("TLS certificate SHA-256 fingerprint: ")) fingerprint = line[(line.LastIndexOf(' ') + 1)..];
                if (line.StartsWith("Listening on ")) url = line.Split(' ')[2];
            }
            if (url is null) Assert.Fail("server did not start: " + (server.HasExited ? await stderr : "no 'Listening on' line"));
            Assert.Matches("^mlp_", adminToken);
            Assert.Matches("^([0-9A-F]{2}:){31}[0-9A-F]{2}$", fingerprint);
            var ca = Path.Combine(_root, "srv", "dev-cert.pem");

            var login = Mlp(adminToken, "login", url!, "--ca-cert", ca);
            Assert.True(login.ExitCode == 0, login.Stderr);
            var credentials = Path.Combine(_root, "config", "mlp", "credentials");
            Assert.Contains(adminToken!, File.ReadAllText(credentials));
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));

            Assert.Equal(0, Mlp(null, "workspace", "create", "team").ExitCode);
            Assert.Equal(0, Mlp(null, "identity", "create", "bob").ExitCode);
            var assign = Mlp(null, "role", "assign", "--user", "bob", "--role", "Reader", "--workspace", "team");
            Assert.True(assign.ExitCode == 0, assign.Stderr);
            Assert.Contains("Assigned 'Reader' to 'bob' at '/workspaces/team'.", assign.Stdout);
            var token = JsonDocument.Parse(Mlp(null, "token", "create", "--user", "bob", "--format", "json").Stdout).RootElement.GetProperty("secret").GetString();

            Assert.Contains("team", Mlp(token, "workspace", "list", "--server", url!).Stdout);
            var denied = Mlp(token, "role", "assign", "--user", "bob", "--role", "Owner", "--workspace", url + "/workspaces/team");
            Assert.Equal(2, denied.ExitCode);
            Assert.Contains("'bob' needs action 'roleAssignments/write' on scope '/workspaces/team'", denied.Stderr);

            var audit = Mlp(null, "audit", "list", "--since", "1h", "--format", "json");
            var entries = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().ToList();
            Assert.Contains(entries, e => e.GetProperty("principal").GetString() == "bob" && e.GetProperty("outcome").GetString() == "Denied");
            Assert.Contains(entries, e => e.GetProperty("action").GetString() == "roleAssignments/write" && e.GetProperty("outcome").GetString() == "Succeeded");
        }
        finally
        {
            server.Kill(true);
            server.WaitForExit(10_000);
        }
    }
}
