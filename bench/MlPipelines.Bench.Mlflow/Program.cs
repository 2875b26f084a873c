using System.Globalization;
using MlPipelines.Bench.Mlflow;
using MlPipelines.Bench.Server;

// MLflow REST API benchmarks: a real HTTPS `mlp server` on loopback in this process, raw MLflow REST calls.
//   dotnet run -c Release --project bench/MlPipelines.Bench.Mlflow -- [--store sqlite|postgresql]
//       [--scenarios log-batch,writers,search,history,profile] [--iterations 300] [--clients 16] [--seconds 10] [--runs 10000] [--points 2000]
//       [--keep-database] (PostgreSQL: leave the benchmark's database in place, to EXPLAIN its queries afterwards)
// Server time = the server's 'Server-Timing: mlflow;dur=' header (from the start of the MLflow call to its complete
// answer); the client-observed HTTPS round trip is shown beside it. PostgreSQL: set MLP_TEST_POSTGRES (the benchmark
// creates and drops its own database).
var opts = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--")).ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Opt(string name, string fallback) => opts.TryGetValue(name, out var v) ? v : fallback;
int Int(string name, string fallback) => int.Parse(Opt(name, fallback), CultureInfo.InvariantCulture);
var storeKind = Opt("store", "sqlite");
var scenarios = Opt("scenarios", "log-batch,writers,search,history").Split(',');
var iterations = Int("iterations", "300");

var dir = Directory.CreateTempSubdirectory("mlp-bench-mlflow-").FullName;
var results = new List<BenchResult>();
using var pg = storeKind == "postgresql" ? BenchDatabase.Create() : null;
if (pg is not null) pg.Keep = opts.ContainsKey("keep-database");
try
{
    var store = storeKind switch
    {
        "sqlite" => "sqlite:" + Path.Combine(dir, "server.db"),
        "postgresql" => pg!.Uri,
        _ => throw new ArgumentException($"--store '{storeKind}': expected sqlite or postgresql"),
    };
    await using var server = await BenchServer.StartAsync(dir, store);
    foreach (var name in new[] { "logging", "writers", "search", "history" }) await server.CreateWorkspaceAsync(name);
    foreach (var scenario in scenarios)
    {
        Console.Error.WriteLine($"running {scenario}…");
        results.AddRange(scenario switch
        {
            "log-batch" => await Scenarios.LogBatchAsync(server, storeKind, iterations, 1000),
            "writers" => await Scenarios.WritersAsync(server, storeKind, Int("clients", "16"), 1000, TimeSpan.FromSeconds(Int("seconds", "10"))),
            "search" => await Scenarios.SearchAsync(server, storeKind, pg?.ConnectionString, Int("runs", "10000"), iterations),
            "profile" => Profile.Run(dir, iterations, storeKind, pg?.ConnectionString),
            "history" => await Scenarios.HistoryAsync(server, storeKind, Int("points", "2000"), iterations),
            _ => throw new ArgumentException($"unknown scenario '{scenario}'; expected log-batch, writers, search, history, profile"),
        });
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"{"scenario",-105} {"server",16} {"round trip",11} {"target",12} {"ok",4}");
Console.WriteLine(new string('-', 152));
foreach (var r in results)
    Console.WriteLine($"{r.Name,-105} {r.Value.ToString("N2", CultureInfo.InvariantCulture) + " " + r.Unit,16} {(r.RoundTrip is { } rt ? rt.ToString("N2", CultureInfo.InvariantCulture) + " ms" : ""),11} {r.Target ?? "",12} {(r.Ok is null ? "" : r.Ok.Value ? "yes" : "NO"),4}");
return results.Any(r => r.Ok == false) ? 1 : 0;
