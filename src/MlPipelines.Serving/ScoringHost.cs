using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MlPipelines.Http;
using MlPipelines.Scoring.Hosting;
using MlPipelines.Serving.Http;
using MlPipelines.Serving.Scoring;

namespace MlPipelines.Serving;

/// <summary>
/// The scoring web service: <c>POST /score</c>, <c>GET /health/live</c>, <c>GET /health/ready</c>, <c>GET /schema</c>,
/// <c>GET /metrics</c>. The scorer initialises in the background after the server starts; readiness flips when done.
/// </summary>
public static class ScoringHost
{
    /// <summary>Line prefix printed to stdout once the host accepts requests, followed by each bound URL.</summary>
    public const string ListeningBanner = "mlp-serve listening on ";

    /// <summary>Entry point: parses <paramref name="args"/> (see <see cref="ScoringHostCommandLine"/>) and serves until stopped.
    /// Returns 2 on bad arguments.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        ScoringHostCommandLine options;
        try
        {
            options = ScoringHostCommandLine.Parse(args, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        await using var app = Build(options);
        await app.RunAsync();
        return 0;
    }

    /// <summary>Builds (does not start) the host; <paramref name="configureLogging"/> may replace the console logger.</summary>
    public static WebApplication Build(ScoringHostCommandLine options, Action<ILoggingBuilder>? configureLogging = null)
    {
        // Scorers are synchronous user code that may block: let the pool grow to the concurrency limit without the
        // ~0.5 s per-thread injection delay, so one slow request cannot stall health checks and other requests.
        ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, options.MaxConcurrency + Environment.ProcessorCount), minIo);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = null; // enforced by /score itself, so the answer is a proper 413 JSON body
            RequestLimits.Configure(k.Limits);
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => { c.SingleLine = true; c.TimestampFormat = "HH:mm:ss.fff "; });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configureLogging?.Invoke(builder.Logging);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton<ScorerState>();
        services.AddSingleton<ScoringMetrics>();
        services.AddSingleton(new KeyAuthenticator(options.Keys));
        services.AddSingleton(sp => CreateBackend(options, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ScoreEndpoint>();
        var app = builder.Build();

        var signature = LoadSignature(options);
        var auth = app.Services.GetRequiredService<KeyAuthenticator>();
        var state = app.Services.GetRequiredService<ScorerState>();
        var metrics = app.Services.GetRequiredService<ScoringMetrics>();
        var score = app.Services.GetRequiredService<ScoreEndpoint>();

        app.UseStatusCodePages(pages =>
        {
            var ctx = pages.HttpContext;
            return Responses.WriteErrorAsync(ctx, ctx.Response.StatusCode, RequestLimits.MessageFor(ctx.Response.StatusCode, ctx.Request));
        });
        var secret = options.InstanceSecret is { } s ? new InstanceSecretCheck(s) : null;
        app.Use((ctx, next) =>
        {
            if (RequestLimits.Check(ctx.Request) is { } broken) return Responses.WriteErrorAsync(ctx, broken.Status, broken.Message);
            if (secret is not null && !ctx.Request.Path.StartsWithSegments("/health", StringComparison.Ordinal) && !secret.Matches(ctx.Request))
                return Responses.WriteErrorAsync(ctx, 401, "This instance is reachable only through its endpoint router; send the request to the endpoint's URL.");
            return next(ctx);
        });

        app.MapPost("/score", score.HandleAsync);
        app.MapGet("/health/live", ctx => Responses.WriteStatusAsync(ctx, 200, new StatusBody("live")));
        app.MapGet("/health/ready", ctx => state.IsReady
            ? Responses.WriteStatusAsync(ctx, 200, new StatusBody("ready"))
            : Responses.WriteStatusAsync(ctx, 503, state.Error is null ? new StatusBody("starting") : new StatusBody("failed", state.Error)));
        app.MapGet("/schema", ctx =>
        {
            if (!auth.IsAuthorized(ctx.Request)) return Responses.WriteErrorAsync(ctx, 401, "Missing or invalid key; send 'Authorization: Bearer KEY'.");
            return signature is null
                ? Responses.WriteErrorAsync(ctx, 404, "This model has no signature (no signature.json in the model folder and no --signature).")
                : Responses.WriteJsonAsync(ctx, signature);
        });
        app.MapGet("/metrics", ctx =>
        {
            if (!auth.IsAuthorized(ctx.Request)) return Responses.WriteErrorAsync(ctx, 401, "Missing or invalid key; send 'Authorization: Bearer KEY'.");
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            return ctx.Response.WriteAsync(metrics.Render());
        });

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
                Console.Out.WriteLine(ListeningBanner + url);
            Console.Out.Flush();
            _ = InitializeAsync(app.Services, app.Lifetime.ApplicationStopping);
        });
        return app;
    }

    private static async Task InitializeAsync(IServiceProvider services, CancellationToken stopping)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("MlPipelines.Serving");
        var state = services.GetRequiredService<ScorerState>();
        try
        {
            await services.GetRequiredService<IScoringBackend>().InitAsync(stopping).ConfigureAwait(false);
            state.MarkReady();
            log.LogInformation("Scorer ready.");
        }
        catch (Exception e)
        {
            state.MarkFailed(e.Message);
            log.LogError(e, "Scorer initialisation failed; /health/ready answers 503.");
        }
    }

    private static IScoringBackend CreateBackend(ScoringHostCommandLine o, ILoggerFactory logs) => o.Scorer switch
    {
        ScorerKind.Python => new PythonScoringBackend(
            new PythonWorkerSettings(o.Python, Path.GetFullPath(o.ScorePy!), Path.GetFullPath(o.ModelDirectory), PythonScoringBackend.LoadWorkerSource()),
            o.Workers, logs.CreateLogger<PythonScoringBackend>()),
        _ => new DotnetScoringBackend(o.ScorerAssembly!, o.ScorerType, Path.GetFullPath(o.ModelDirectory), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
    };

    private static byte[]? LoadSignature(ScoringHostCommandLine o)
    {
        var path = o.SignaturePath ?? Path.Combine(o.ModelDirectory, "signature.json");
        if (!File.Exists(path))
        {
            if (o.SignaturePath is not null) throw new FileNotFoundException($"Signature file '{o.SignaturePath}' does not exist.", o.SignaturePath);
            return null;
        }
        var bytes = File.ReadAllBytes(path);
        using (JsonDocument.Parse(bytes)) { } // reject a malformed signature at startup, not per request
        return bytes;
    }
}
