using System.Net;
using System.Net.Http.Headers;
using MlPipelines.Endpoints.Daemon;
using MlPipelines.Endpoints.Tests.Support;

namespace MlPipelines.Endpoints.Tests;

public sealed class DaemonAdminTests
{
    [Fact]
    public async Task AdminApi_WithoutToken_Is401AndTokenFileIsOwnerOnly()
    {
        await using var ws = new EndpointWorkspace();
        await ws.Endpoints_.CreateAsync("iris");
        var state = (await ws.Context.DaemonClient.RunningAsync())!;
        var tokenFile = ws.Context.Paths.DaemonToken;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });

        foreach (var (method, path) in new[] { (HttpMethod.Get, "/ping"), (HttpMethod.Get, "/status"), (HttpMethod.Post, "/reconcile"), (HttpMethod.Post, "/stop") })
        {
            using var anonymous = await http.SendAsync(new HttpRequestMessage(method, state.AdminAddress + path));
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            var wrong = new HttpRequestMessage(method, state.AdminAddress + path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "guess") } };
            using var guessed = await http.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, guessed.StatusCode);
        }
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        var ping = new HttpRequestMessage(HttpMethod.Get, state.AdminAddress + "/ping")
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", File.ReadAllText(tokenFile)) },
        };
        using var ok = await http.SendAsync(ping);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotNull(await ws.Context.DaemonClient.RunningAsync()); // the anonymous /stop did not stop it
    }
}
