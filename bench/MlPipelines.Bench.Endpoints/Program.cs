// Router benchmark: 16 connections (wrk), same trivial .NET scorer (SumScorer) behind
//   direct  — wrk → scoring host
//   router  — wrk → EndpointRouter (own process; key auth, blue=90 green=10 over two hosts) → scoring hosts
//   nginx   — wrk → nginx (same weighted upstreams, same key check) → scoring hosts
// Targets (issue 6): router ≥ 80% of direct throughput; added p50 ≤ 0.5 ms.
using System.Globalization;
using System.Reflection;
using MlPipelines.Bench.Endpoints;
using MlPipelines.Endpoints.Routing;

const string Key = "bench-key-0123456789abcdef";
const string Body = """{"x":[1,2,3]}""";
const int Connections = 16;

if (args is ["router", var blue, var green])
{
    await using var router = await EndpointRouter.StartAsync(new EndpointRouteConfig
    {
        Name = "bench", AuthMode = "key", PrimaryKey = Key, SecondaryKey = Key + "2",
        Traffic = new Dictionary<string, int> { ["blue"] = 90, ["green"] = 10 },
        Deployments = [new DeploymentRouteConfig("blue", [blue]), new DeploymentRouteConfig("green", [green])],
    });
    Console.WriteLine($"router listening on {router.Address}");
    await Task.Delay(Timeout.Infinite);
    return 0;
}

var duration = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10);
if (!File.Exists("/usr/bin/wrk")) { Console.Error.WriteLine("wrk is not installed: apt-get install -y wrk"); return 1; }
var scorer = typeof(Wrk).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TestScorerPath").Value!;
var serving = Path.Combine(AppContext.BaseDirectory, "MlPipelines.Serving.dll");
var self = typeof(Wrk).Assembly.Location;
var modelDir = Directory.CreateTempSubdirectory("mlp-bench-model").FullName;
using var processes = new Processes();

string[] HostArgs() => [serving, "--model-dir", modelDir, "--scorer", "dotnet", "--scorer-assembly", scorer, "--urls", "http://127.0.0.1:0", "--max-concurrency", "1024"];
var blueUrl = await processes.StartAsync("dotnet", HostArgs(), "listening on ");
var greenUrl = await processes.StartAsync("dotnet", HostArgs(), "listening on ");
await WaitReadyAsync(blueUrl);
await WaitReadyAsync(greenUrl);
var routerUrl = await processes.StartAsync("dotnet", [self, "router", blueUrl, greenUrl], "listening on ");

string? nginxUrl = null;
var nginxDir = Directory.CreateTempSubdirectory("mlp-bench-nginx").FullName;
if (File.Exists("/usr/sbin/nginx"))
{
    var port = FreePort();
    File.WriteAllText(Path.Combine(nginxDir, "nginx.conf"), $$"""
        worker_processes auto;
        pid {{nginxDir}}/nginx.pid;
        error_log {{nginxDir}}/error.log warn;
        events { worker_connections 1024; }
        http {
          access_log off;
          client_body_temp_path {{nginxDir}}/body; proxy_temp_path {{nginxDir}}/proxy;
          fastcgi_temp_path {{nginxDir}}/fcgi; uwsgi_temp_path {{nginxDir}}/uwsgi; scgi_temp_path {{nginxDir}}/scgi;
          upstream scoring {
            server {{new Uri(blueUrl).Authority}} weight=90 max_fails=0;
            server {{new Uri(greenUrl).Authority}} weight=10 max_fails=0;
            keepalive 64;
          }
          server {
            listen 127.0.0.1:{{port}};
            location / {
              if ($http_authorization != "Bearer {{Key}}") { return 401; }
              proxy_pass http://scoring;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
            }
          }
        }
        """);
    processes.Start("/usr/sbin/nginx", ["-p", nginxDir, "-c", Path.Combine(nginxDir, "nginx.conf"), "-g", "daemon off;"]);
    nginxUrl = $"http://127.0.0.1:{port}";
    await WaitReadyAsync(nginxUrl, "/score", Key);
}
else Console.Error.WriteLine("nginx is not installed (apt-get install -y nginx): skipping the nginx figure.");

Console.WriteLine($"Router benchmark: {Connections} connections, {duration.TotalSeconds:0} s per run, body {Body}, 2 cores shared by wrk, proxies and hosts.");
var targets = new List<(string Name, string Url, string? Key)> { ("direct", blueUrl + "/score", null), ("router", routerUrl + "/score", Key) };
if (nginxUrl is not null) targets.Add(("nginx", nginxUrl + "/score", Key));
foreach (var t in targets) await Wrk.RunAsync(t.Name, t.Url, Body, t.Key, Connections, TimeSpan.FromSeconds(3)); // warm-up (JIT, pools)

var results = targets.ToDictionary(t => t.Name, _ => new List<LoadResult>());
for (var round = 0; round < 2; round++)
    foreach (var t in targets) results[t.Name].Add(await Wrk.RunAsync(t.Name, t.Url, Body, t.Key, Connections, duration));

LoadResult Best(string name) => results[name].OrderByDescending(r => r.Rps).First();
Console.WriteLine();
Console.WriteLine($"{"path",-8} {"req/s",10} {"p50 ms",8} {"p99 ms",8} {"errors",7}");
foreach (var t in targets)
{
    var r = Best(t.Name);
    Console.WriteLine($"{r.Name,-8} {r.Rps,10:0} {r.P50Ms,8:0.000} {r.P99Ms,8:0.000} {r.Errors,7}");
}
var direct = Best("direct");
var routed = Best("router");
var ratio = routed.Rps / direct.Rps;
var added = routed.P50Ms - direct.P50Ms;
Console.WriteLine();
Console.WriteLine($"router throughput = {ratio:P0} of direct (target ≥ 80%): {(ratio >= 0.8 ? "PASS" : "MISS")}");
Console.WriteLine($"router added p50  = {added:0.000} ms (target ≤ 0.5 ms): {(added <= 0.5 ? "PASS" : "MISS")}");
if (nginxUrl is not null)
{
    var nginx = Best("nginx");
    Console.WriteLine($"nginx throughput  = {nginx.Rps / direct.Rps:P0} of direct, added p50 = {nginx.P50Ms - direct.P50Ms:0.000} ms");
}
return 0;

static async Task WaitReadyAsync(string url, string path = "/health/ready", string? key = null)
{
    using var http = new HttpClient();
    for (var i = 0; i < 100; i++)
    {
        try
        {
            using var req = new HttpRequestMessage(path == "/score" ? HttpMethod.Post : HttpMethod.Get, url + path);
            if (path == "/score") req.Content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json");
            if (key is not null) req.Headers.Authorization = new("Bearer", key);
            using var r = await http.SendAsync(req);
            if (r.IsSuccessStatusCode) return;
        }
        catch (HttpRequestException) { }
        await Task.Delay(100);
    }
    throw new InvalidOperationException($"{url}{path} did not answer 200.");
}

static int FreePort()
{
    using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    l.Start();
    return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
}
