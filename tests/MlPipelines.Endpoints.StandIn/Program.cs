// Stand-in scoring host: --urls URL --name NAME [--unready] [--delay-ms N]
// POST /score → {"deployment":NAME,"pid":PID}; GET /health/ready (503 with --unready); GET /count → scored requests.
using System.Net;

if (args.Length > 2 && args[0] == "daemon" && args[1] == "--workspace")
{
    using var ws = MlPipelines.Workspace.LocalWorkspace.Open(args[2]);
    await new MlPipelines.Endpoints.Daemon.EndpointDaemon(ws).RunAsync(CancellationToken.None);
    return;
}

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var urls = Arg("--urls", "http://127.0.0.1:0");
var name = Arg("--name", "standin");
var delay = int.Parse(Arg("--delay-ms", "0"));
var ready = !args.Contains("--unready");
long count = 0;

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
var port = int.Parse(urls[(urls.LastIndexOf(':') + 1)..].TrimEnd('/'));
builder.WebHost.ConfigureKestrel(k => { k.AddServerHeader = false; k.Listen(IPAddress.Loopback, port); });
var app = builder.Build();
var pid = Environment.ProcessId;
var body = System.Text.Encoding.UTF8.GetBytes($"{{\"deployment\":\"{name}\",\"pid\":{pid}}}");
app.MapPost("/score", async (HttpContext ctx) =>
{
    Interlocked.Increment(ref count);
    await ctx.Request.Body.CopyToAsync(Stream.Null);
    if (delay > 0) await Task.Delay(delay);
    ctx.Response.ContentType = "application/json";
    ctx.Response.ContentLength = body.Length;
    await ctx.Response.Body.WriteAsync(body);
});
app.MapGet("/health/live", () => "ok");
app.MapGet("/health/ready", () => ready ? Results.Ok("ready") : Results.StatusCode(503));
app.MapGet("/count", () => Interlocked.Read(ref count).ToString());
await app.StartAsync();
var address = app.Urls.First().Replace("[::1]", "127.0.0.1");
Console.WriteLine($"mlp-serve listening on {address}");
Console.Out.Flush();
await app.WaitForShutdownAsync();
