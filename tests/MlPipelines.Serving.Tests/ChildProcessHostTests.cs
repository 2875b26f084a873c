using System.Diagnostics;
using System.Net;

namespace MlPipelines.Serving.Tests;

/// <summary>The host as deployments start it: <c>dotnet MlPipelines.Serving.dll ARGS</c>, framework-dependent.</summary>
public sealed class ChildProcessHostTests
{
    [Fact]
    public async Task CreateStartInfo_RunsFrameworkDependentHost_ServesScores()
    {
        var options = RunningHost.Dotnet(RunningHost.NewModelDir(factor: 10)) with { Urls = "http://127.0.0.1:0", Keys = ["k"] };
        using var process = Process.Start(options.CreateStartInfo(AppContext.BaseDirectory))!;
        try
        {
            string? url = null;
            var readUrl = Task.Run(async () =>
            {
                while (await process.StandardOutput.ReadLineAsync() is { } line)
                    if (line.StartsWith(ScoringHost.ListeningBanner, StringComparison.Ordinal)) return line[ScoringHost.ListeningBanner.Length..];
                return null;
            });
            url = await readUrl.WaitAsync(TimeSpan.FromSeconds(20));
            Assert.NotNull(url);
            using var client = new HttpClient { BaseAddress = new Uri(url!) };
            client.DefaultRequestHeaders.Authorization = new("Bearer", "k");
            HttpResponseMessage? r = null;
            for (var i = 0; i < 100; i++)
            {
                r = await client.PostAsync("/score", new StringContent("""{"x":[1,2]}"""));
                if (r.StatusCode != HttpStatusCode.ServiceUnavailable) break;
                await Task.Delay(50);
            }
            Assert.Equal(HttpStatusCode.OK, r!.StatusCode);
            Assert.Equal("""{"y":30}""", await r.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
