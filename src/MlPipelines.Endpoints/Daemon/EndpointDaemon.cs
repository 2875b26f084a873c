using System.Net;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MlPipelines.Core.Workspaces;
using MlPipelines.Endpoints.Local;

namespace MlPipelines.Endpoints.Daemon;

/// <summary>
/// The per-workspace endpoint daemon: hosts the routers of all endpoints and supervises local instances, reconciling
/// from the workspace store every half second or when poked through its loopback admin API
/// (<c>POST /reconcile</c>, <c>POST /stop</c>, <c>GET /status</c>), which answers only requests carrying the
/// token of <see cref="AdminToken"/> (401 otherwise). Runs until stopped or SIGTERM.
/// </summary>
public sealed class EndpointDaemon(IWorkspace workspace)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs the daemon in this process until <paramref name="ct"/> fires, SIGTERM arrives or an admin stop.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var paths = new DeploymentPaths(workspace.ScratchDirectory);
        Directory.CreateDirectory(paths.Root);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
        await using var reconciler = new EndpointReconciler(workspace.Endpoints, paths);
        reconciler.KillLeftovers();
        var poke = new SemaphoreSlim(0);
        var waiters = new List<TaskCompletionSource>();

        var token = AdminToken.Create(paths.DaemonToken);
        await using var admin = BuildAdmin(token, reconciler, () => stop.Cancel(), () =>
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (waiters) waiters.Add(tcs);
            poke.Release();
            return tcs.Task;
        });
        await admin.StartAsync(stop.Token);
        var port = new Uri(admin.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var state = new DaemonState(Environment.ProcessId, port, DateTimeOffset.UtcNow);
        state.Save(paths.DaemonState);
        Console.WriteLine($"mlp endpoint daemon {state.Pid} admin {state.AdminAddress} workspace {workspace.Info.Location}");
        try
        {
            while (!stop.IsCancellationRequested)
            {
                List<TaskCompletionSource> done;
                lock (waiters) { done = [.. waiters]; waiters.Clear(); }
                try { await reconciler.ReconcileAsync(); }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Console.Error.WriteLine($"{DateTimeOffset.UtcNow:O} reconcile failed: {e}");
                }
                foreach (var w in done) w.TrySetResult();
                try { await poke.WaitAsync(Interval, stop.Token); }
                catch (OperationCanceledException) { break; }
            }
        }
        finally
        {
            lock (waiters) foreach (var w in waiters) w.TrySetResult();
            await admin.StopAsync(CancellationToken.None);
            if (DaemonState.Load(paths.DaemonState)?.Pid == Environment.ProcessId) File.Delete(paths.DaemonState);
        }
    }

    private static WebApplication BuildAdmin(string token, EndpointReconciler reconciler, Action stop, Func<Task> reconcile)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        // Every admin call needs the token from the 0600 file: another local user cannot stop or poke the daemon.
        app.Use(async (http, next) =>
        {
            if (AdminToken.Matches(http.Request.Headers.Authorization.FirstOrDefault(), token)) { await next(http); return; }
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            await http.Response.WriteAsJsonAsync(new { error = "the endpoint daemon's admin API needs the token in 'endpoints/daemon.token'" });
        });
        app.MapGet("/ping", () => Results.Text("ok"));
        app.MapPost("/reconcile", async () => { await reconcile(); return Results.Text("ok"); });
        app.MapPost("/stop", () => { stop(); return Results.Text("stopping"); });
        app.MapGet("/status", () => Results.Json(reconciler.RouterAddresses));
        return app;
    }
}
