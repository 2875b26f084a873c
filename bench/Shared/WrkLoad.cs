using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace MlPipelines.Bench;

/// <summary>Figures of one wrk run: requests/s, p50/p99 latency in ms, and non-2xx responses plus socket errors.</summary>
internal sealed record WrkFigures(double Rps, double P50Ms, double P99Ms, long Errors);

/// <summary>Runs wrk (Debian package) as a POST load with a JSON body and an optional bearer key, and parses its output.</summary>
internal static partial class WrkLoad
{
    public static bool Installed { get; } = File.Exists("/usr/bin/wrk") || File.Exists("/usr/local/bin/wrk");

    public static async Task<WrkFigures> RunAsync(string url, string body, string? key, int connections, TimeSpan duration)
    {
        var script = Path.Combine(Path.GetTempPath(), $"mlp-bench-{Guid.NewGuid():n}.lua");
        var auth = key is null ? "" : $"wrk.headers[\"Authorization\"] = \"Bearer {key}\"\n";
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.body = '{body}'\nwrk.headers[\"Content-Type\"] = \"application/json\"\n{auth}");
        try
        {
            var psi = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-t", "2", "-c", connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)duration.TotalSeconds}s", "--latency", "-s", script, url })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            var rps = double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
            var errors = NonOk().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var socket = SocketErrors().Match(output) is { Success: true } s ? s.Groups.Values.Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0;
            return new WrkFigures(rps, Percentile(output, "50%"), Percentile(output, "99%"), errors + socket);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static double Percentile(string output, string label)
    {
        var m = Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonOk();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
