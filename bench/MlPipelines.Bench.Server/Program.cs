using System.Globalization;
using MlPipelines.Bench.Server;

// Workspace server benchmarks: a real HTTPS server on loopback in this process, the native remote client.
//   dotnet run -c Release --project bench/MlPipelines.Bench.Server -- [--store sqlite|postgresql] [--scenarios ingest,roundtrip,search,writers]
//       [--points 2000000] [--runs 100000] [--writers 32] [--seconds 10] [--iterations 2000]
// PostgreSQL: set MLP_TEST_POSTGRES (a connection string; the benchmark creates and drops its own database);
// MLP_BENCH_EXPLAIN=1 prints the SQL and PostgreSQL plan of the selective search after seeding.
var opts = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--")).ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
string Opt(string name, string fallback) => opts.TryGetValue(name, out var v) ? v : fallback;
var storeKind = Opt("store", "sqlite");
var scenarios = Opt("scenarios", "ingest,roundtrip,search,writers").Split(',');
var points = int.Parse(Opt("points", "2000000"), CultureInfo.InvariantCulture);
var runs = int.Parse(Opt("runs", "100000"), CultureInfo.InvariantCulture);
var writers = int.Parse(Opt("writers", "32"), CultureInfo.InvariantCulture);
var seconds = double.Parse(Opt("seconds", "10"), CultureInfo.InvariantCulture);
var iterations = int.Parse(Opt("iterations", "2000"), CultureInfo.InvariantCulture);

var dir = Directory.CreateTempSubdirectory("mlp-bench-server-").FullName;
var results = new List<BenchResult>();
using var pg = storeKind == "postgresql" ? BenchDatabase.Create() : null;
try
{
    var store = storeKind switch
    {
        "sqlite" => "sqlite:" + Path.Combine(dir, "server.db"),
        "postgresql" => pg!.Uri,
        _ => throw new ArgumentException($"--store '{storeKind}': expected sqlite or postgresql"),
    };
    await using var server = await BenchServer.StartAsync(dir, store);
    foreach (var name in new[] { "ingest", "roundtrip", "search", "writers" }) await server.CreateWorkspaceAsync(name);
    foreach (var scenario in scenarios)
    {
        Console.Error.WriteLine($"running {scenario}…");
        switch (scenario)
        {
            case "ingest": results.AddRange(Scenarios.Ingest(server, storeKind, storeKind == "sqlite" ? 300_000 : 150_000, points)); break;
            case "roundtrip": results.AddRange(Scenarios.RoundTrip(server, storeKind, iterations)); break;
            case "search":
                Scenarios.SeedSearch(server, pg?.ConnectionString, runs);
                results.AddRange(Scenarios.Search(server, storeKind, runs, 41));
                break;
            case "writers": results.AddRange(Scenarios.Writers(server, storeKind, writers, TimeSpan.FromSeconds(seconds), 1000)); break;
            default: throw new ArgumentException($"unknown scenario '{scenario}'; expected ingest, roundtrip, search, writers");
        }
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}

Console.WriteLine();
Console.WriteLine($"{"scenario",-90} {"result",22} {"target",14} {"ok",4}");
Console.WriteLine(new string('-', 134));
foreach (var r in results)
    Console.WriteLine($"{r.Name,-90} {r.Value.ToString("N2", CultureInfo.InvariantCulture) + " " + r.Unit,22} {r.Target ?? "",14} {(r.Ok is null ? "" : r.Ok.Value ? "yes" : "NO"),4}");
return results.Any(r => r.Ok == false) ? 1 : 0;
