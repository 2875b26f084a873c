using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using MlPipelines.Scoring.Hosting;
using MlPipelines.Serving;

namespace MlPipelines.Serving.Tests;

/// <summary>A real scoring host on 127.0.0.1:0 (in-process) with an HttpClient pointed at it; logs are captured.</summary>
internal sealed class RunningHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningHost(WebApplication app, HttpClient client, CapturedLog log)
    {
        _app = app;
        Client = client;
        Log = log;
    }

    public HttpClient Client { get; }

    public CapturedLog Log { get; }

    public static string TestScorerPath =>
        typeof(RunningHost).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestScorerPath").Value!;

    public static async Task<RunningHost> StartAsync(ScoringHostCommandLine options, bool waitReady = true)
    {
        var log = new CapturedLog();
        var app = ScoringHost.Build(options with { Urls = "http://127.0.0.1:0" }, l => { l.ClearProviders(); l.AddProvider(log); });
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(30) };
        var host = new RunningHost(app, client, log);
        if (waitReady) await host.WaitReadyAsync();
        return host;
    }

    public async Task WaitReadyAsync(int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            using var r = await Client.GetAsync("/health/ready");
            if (r.IsSuccessStatusCode) return;
            await Task.Delay(25);
        }
        throw new TimeoutException("Host not ready; log:\n" + Log);
    }

    public Task<HttpResponseMessage> ScoreAsync(string json, string? key = null)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "/score") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return Client.SendAsync(req);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public static string NewModelDir(double factor = 2, string? signature = null)
    {
        var dir = Directory.CreateTempSubdirectory("mlp-serve-model-").FullName;
        File.WriteAllText(Path.Combine(dir, "model.json"), $"{{\"factor\":{factor}}}");
        if (signature is not null) File.WriteAllText(Path.Combine(dir, "signature.json"), signature);
        return dir;
    }

    public static ScoringHostCommandLine Dotnet(string modelDir) =>
        new() { ModelDirectory = modelDir, Scorer = ScorerKind.Dotnet, ScorerAssembly = TestScorerPath };
}

/// <summary>Collects log lines so tests can assert what went to the log (and not to the response).</summary>
internal sealed class CapturedLog : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose() { }

    public override string ToString()
    {
        lock (_lines) return string.Join('\n', _lines);
    }

    private sealed class Logger(CapturedLog owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines) owner._lines.Add($"{logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
