// Scoring host vs bare Kestrel, 16 connections. Usage: dotnet run -c Release --project bench/MlPipelines.Bench.Serving [seconds]
using MlPipelines.Scoring.Hosting;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using MlPipelines.Bench.Serving;
using MlPipelines.Serving;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var duration = TimeSpan.FromSeconds(seconds);
const int Connections = 16;
const string Body = """{"x":[1,2,3]}""";
var expected = Encoding.UTF8.GetBytes("""{"y":6}""");
var scorerPath = typeof(LoadResult).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestScorerPath").Value!;
var modelDir = Directory.CreateTempSubdirectory("mlp-bench-model-").FullName;
File.WriteAllText(Path.Combine(modelDir, "model.json"), """{"factor":1}""");

Console.WriteLine($"load average: {(File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "?")}");
Console.WriteLine($"scoring host benchmark: {Connections} connections, {seconds} s per server, {Environment.ProcessorCount} cores, load by {(LoadGenerator.HasWrk ? "wrk" : "HttpClient loop")}");

async Task<string> StartAsync(string name, WebApplication app)
{
    await app.StartAsync();
    var url = app.Urls.First() + "/score";
    using var warm = new HttpClient();
    for (var i = 0; i < 50 && !(await warm.GetAsync(app.Urls.First() + "/health/ready")).IsSuccessStatusCode; i++) await Task.Delay(100);
    var check = await (await warm.PostAsync(url, new StringContent(Body, Encoding.UTF8, "application/json"))).Content.ReadAsStringAsync();
    Console.WriteLine($"  {name} answers {check}");
    await LoadGenerator.RunAsync(name, url, Body, Connections, TimeSpan.FromSeconds(2)); // warm-up (JIT tiers)
    return url;
}

async Task<LoadResult> Measure(string name, WebApplication app)
{
    var url = await StartAsync(name, app);
    var result = await LoadGenerator.RunAsync(name, url, Body, Connections, duration);
    await app.StopAsync();
    await app.DisposeAsync();
    Console.WriteLine("  " + result);
    return result;
}

WebApplication Bare()
{
    var b = WebApplication.CreateSlimBuilder();
    b.Logging.ClearProviders();
    b.WebHost.UseUrls("http://127.0.0.1:0");
    b.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
    var app = b.Build();
    app.MapPost("/score", async ctx =>
    {
        while (true)
        {
            var read = await ctx.Request.BodyReader.ReadAsync();
            ctx.Request.BodyReader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted) break;
        }
        ctx.Response.ContentType = "application/json";
        ctx.Response.ContentLength = expected.Length;
        await ctx.Response.Body.WriteAsync(expected);
    });
    app.MapGet("/health/ready", () => "ok");
    return app;
}

WebApplication Host(ScoringHostCommandLine o) => ScoringHost.Build(o with { Urls = "http://127.0.0.1:0" }, l => l.ClearProviders());

// Both servers run side by side; rounds alternate between them so background load on a shared machine hits both alike.
var bareApp = Bare();
var hostApp = Host(new ScoringHostCommandLine { ModelDirectory = modelDir, Scorer = ScorerKind.Dotnet, ScorerAssembly = scorerPath, MaxConcurrency = 1024 });
var bareUrl = await StartAsync("bare Kestrel", bareApp);
var hostUrl = await StartAsync("scoring host (.NET scorer)", hostApp);
var rounds = 5;
var bareRuns = new List<LoadResult>();
var hostRuns = new List<LoadResult>();
for (var round = 0; round < rounds; round++)
{
    bareRuns.Add(await LoadGenerator.RunAsync("bare Kestrel", bareUrl, Body, Connections, duration / rounds));
    hostRuns.Add(await LoadGenerator.RunAsync("scoring host (.NET scorer)", hostUrl, Body, Connections, duration / rounds));
    Console.WriteLine($"  round {round + 1}: bare {bareRuns[^1].RequestsPerSecond:F0} req/s, host {hostRuns[^1].RequestsPerSecond:F0} req/s");
}
LoadResult Median(List<LoadResult> runs) => runs.OrderBy(r => r.RequestsPerSecond).ElementAt(runs.Count / 2);
var bare = Median(bareRuns);
var host = Median(hostRuns);
Console.WriteLine("  median " + bare);
Console.WriteLine("  median " + host);
var ratio = host.RequestsPerSecond / bare.RequestsPerSecond;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"host / bare throughput (medians of {rounds} alternating rounds): {ratio:P1} (target >= 70%): {(ratio >= 0.7 ? "PASS" : "FAIL")}"));
await hostApp.StopAsync();
await bareApp.StopAsync();
await hostApp.DisposeAsync();
await bareApp.DisposeAsync();

var code = Directory.CreateTempSubdirectory("mlp-bench-code-").FullName;
File.WriteAllText(Path.Combine(code, "score.py"), "import json\n\ndef init():\n    pass\n\ndef run(raw_data):\n    return {\"y\": sum(json.loads(raw_data)[\"x\"])}\n");
foreach (var workers in new[] { 1, 2 })
{
    await Measure($"scoring host (score.py, {workers}w)", Host(new ScoringHostCommandLine
    {
        ModelDirectory = modelDir, Scorer = ScorerKind.Python, ScorePy = Path.Combine(code, "score.py"), Workers = workers, MaxConcurrency = 1024,
    }));
}
return ratio >= 0.7 ? 0 : 1;
