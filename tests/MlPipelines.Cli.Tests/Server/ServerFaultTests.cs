using System.Net.Http.Json;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Runs;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Cli.Tests.Server;

/// <summary>Faults and load with real processes: a real <c>mlp server</c>, killed with SIGKILL and restarted; many clients.</summary>
public sealed class ServerFaultTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("mlp-server-faults-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Ingest_ServerKilledAndRestartedMidway_EveryAcknowledgedPointStoredOnceAndClientCarriesOn()
    {
        using var server = ServerProcess.Start(_root);
        await CreateWorkspace(server, "team");
        using var ws = Open(server, TimeSpan.FromSeconds(60));
        var run = ws.Runs.CreateRun(new NewRun("faults") { Status = RunStatus.Running });
        var acknowledged = 0;
        var killed = false;
        var t0 = DateTimeOffset.UtcNow;
        var writer = Task.Run(() =>
        {
            for (var b = 0; b < 200; b++)
            {
                ws.Runs.LogMetrics(run.Id, Enumerable.Range(b * 1000, 1000).Select(i => new MetricPoint("loss", i, i, t0)).ToList());
                Interlocked.Add(ref acknowledged, 1000);
            }
        });
        while (Volatile.Read(ref acknowledged) < 40_000) await Task.Delay(5);
        server.Kill();
        killed = true;
        var atKill = Volatile.Read(ref acknowledged);
        await Task.Delay(1000); // the client is retrying against a dead port now
        server.Restart();
        await writer.WaitAsync(TimeSpan.FromMinutes(3));

        Assert.True(killed);
        Assert.True(atKill < 200_000, "the kill happened during ingest");
        var stored = ws.Runs.GetMetrics(run.Id, "loss");
        Assert.Equal(200_000, acknowledged);
        // Every acknowledged point is there. Idempotency keys survive the restart, so a retried batch whose answer was
        // recorded is not applied twice; only the batch committed in the instant before the kill, before its key was
        // recorded, can be there twice.
        var steps = stored.Select(p => p.Step).ToHashSet();
        Assert.Equal(200_000, steps.Count);
        Assert.All(Enumerable.Range(0, 200_000), i => Assert.Contains((long)i, steps));
        Assert.InRange(stored.Count, 200_000, 201_000);
    }

    [Fact]
    public async Task Clients32_LoggingConcurrently_NothingLost()
    {
        using var server = ServerProcess.Start(_root);
        await CreateWorkspace(server, "team");
        var t0 = DateTimeOffset.UtcNow;
        var runIds = new string[32];
        await Task.WhenAll(Enumerable.Range(0, 32).Select(c => Task.Run(() =>
        {
            using var ws = Open(server, TimeSpan.FromSeconds(60));
            var run = ws.Runs.CreateRun(new NewRun("load", $"client-{c}") { Status = RunStatus.Running });
            runIds[c] = run.Id;
            for (var b = 0; b < 20; b++)
            {
                ws.Runs.LogMetrics(run.Id, Enumerable.Range(b * 250, 250).Select(i => new MetricPoint("loss", c + i / 1e6, i, t0)).ToList());
                ws.Runs.AppendLogs(run.Id, [new LogLine(b, LogStream.Stdout, t0, $"batch {b}")]);
            }
            ws.Runs.SetStatus(run.Id, RunStatus.Completed);
        })));
        using var reader = Open(server, TimeSpan.FromSeconds(30));
        foreach (var id in runIds)
        {
            Assert.Equal(5000, reader.Runs.GetMetrics(id, "loss").Count);
            Assert.Equal(20, reader.Runs.GetLogs(id).Count);
            Assert.Equal(RunStatus.Completed, reader.Runs.GetRun(id).Status);
        }
        Assert.Equal(32, reader.Runs.QueryRuns(new RunQuery { Experiment = "load", Max = 100 }).Count);
    }

    [Fact]
    public async Task Client_ServerNeverComesBack_GivesUpNamingTheServerAndTheWait()
    {
        using var server = ServerProcess.Start(_root);
        await CreateWorkspace(server, "team");
        using var ws = Open(server, TimeSpan.FromSeconds(3));
        var run = ws.Runs.CreateRun(new NewRun("faults"));
        server.Kill();
        var e = Assert.Throws<MlpException>(() => ws.Runs.LogMetrics(run.Id, [new MetricPoint("loss", 1, 0, DateTimeOffset.UtcNow)]));
        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains($"Gave up on the server at '{server.Url}'", e.Message);
        Assert.Contains("MLP_REMOTE_GIVE_UP_SECONDS", e.Message);
    }

    [Fact]
    public async Task RunSubmit_ClientKilled_RunReadsFailedLostOnTheServer()
    {
        using var server = ServerProcess.Start(_root);
        await CreateWorkspace(server, "team");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _root };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "mlp.dll"), "run", "submit", "--workspace", server.Url + "/workspaces/team", "--experiment", "lost", "--", "sleep", "120" })
            psi.ArgumentList.Add(a);
        psi.Environment["MLP_TOKEN"] = server.AdminToken;
        psi.Environment["MLP_CA_CERT"] = server.CaCert;
        psi.Environment.Remove("MLP_WORKSPACE");
        using var client = System.Diagnostics.Process.Start(psi)!;
        using var ws = Open(server, TimeSpan.FromSeconds(30));
        RunInfo? run = null;
        for (var i = 0; i < 300 && run?.Status != RunStatus.Running; i++)
        {
            await Task.Delay(100);
            run = ws.Runs.QueryRuns(new RunQuery { Experiment = "lost" }).FirstOrDefault();
        }
        Assert.Equal(RunStatus.Running, run?.Status);
        client.Kill(); // SIGKILL of mlp only: no status is ever written by the client again
        client.WaitForExit(10_000);
        var deadline = DateTime.UtcNow.AddSeconds(25);
        while (ws.Runs.GetRun(run!.Id).Status == RunStatus.Running && DateTime.UtcNow < deadline) await Task.Delay(500);
        var lost = ws.Runs.GetRun(run.Id);
        Assert.Equal(RunStatus.Failed, lost.Status);
        Assert.Equal("lost", lost.StatusReason);
    }

    private static RemoteWorkspace Open(ServerProcess server, TimeSpan giveUp) =>
        RemoteWorkspace.Open(new RemoteAddress(server.Url, "team"), new ServerLogin(server.Url, server.AdminToken, server.CaCert), new RemoteOptions { GiveUpAfter = giveUp });

    private static async Task CreateWorkspace(ServerProcess server, string name)
    {
        using var http = new HttpClient(ServerTrust.CreateHandler(server.CaCert)) { BaseAddress = new Uri(server.Url) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", server.AdminToken);
        (await http.PostAsJsonAsync("/api/v1/workspaces", new { name })).EnsureSuccessStatusCode();
    }
}
