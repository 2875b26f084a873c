using System.Runtime.CompilerServices;

namespace MlPipelines.Tests.Shared;

/// <summary>
/// Approved-file snapshots: <c>Snapshots/NAME.approved.EXT</c> next to the test source. On a mismatch the actual text is
/// written to <c>NAME.received.EXT</c> beside it and the test fails with a short diff; accept a change by renaming the
/// received file to the approved one (or set MLP_APPROVE=1 to write the approved file directly).
/// </summary>
internal static class Approved
{
    public static void Verify(string actual, string name, string extension, [CallerFilePath] string callerFile = "")
    {
        var dir = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        var approved = Path.Combine(dir, $"{name}.approved.{extension}");
        var received = Path.Combine(dir, $"{name}.received.{extension}");
        actual = actual.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("MLP_APPROVE") == "1")
        {
            Directory.CreateDirectory(dir);
            File.WriteAllText(approved, actual);
        }
        var expected = File.Exists(approved) ? File.ReadAllText(approved).Replace("\r\n", "\n") : null;
        if (expected == actual)
        {
            File.Delete(received);
            return;
        }
        Directory.CreateDirectory(dir);
        File.WriteAllText(received, actual);
        Assert.Fail(expected is null
            ? $"No approved file {approved}; wrote {received}. Review it and rename it to approve."
            : $"{name}.{extension} differs from the approved file; wrote {received}.\n{Diff(expected, actual)}");
    }

    private static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var lines = new List<string>();
        for (var i = 0; i < Math.Max(e.Length, a.Length) && lines.Count < 20; i++)
        {
            var el = i < e.Length ? e[i] : "<end>";
            var al = i < a.Length ? a[i] : "<end>";
            if (el != al) { lines.Add($"line {i + 1}: - {el}"); lines.Add($"line {i + 1}: + {al}"); }
        }
        return string.Join('\n', lines);
    }
}
