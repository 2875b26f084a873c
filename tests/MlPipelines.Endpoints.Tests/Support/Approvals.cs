using System.Runtime.CompilerServices;

namespace MlPipelines.Endpoints.Tests.Support;

/// <summary>
/// Approved-file snapshots: the approved text lives next to the test as NAME.approved.EXT; a mismatch (or a missing
/// approved file) writes NAME.received.EXT beside it and fails. Approve by renaming received → approved.
/// </summary>
internal static class Approvals
{
    public static void Verify(string actual, string name, string extension, [CallerFilePath] string testFile = "")
    {
        var dir = Path.GetDirectoryName(testFile)!;
        var approved = Path.Combine(dir, $"{name}.approved.{extension}");
        var received = Path.Combine(dir, $"{name}.received.{extension}");
        var normalized = actual.Replace("\r\n", "\n");
        if (File.Exists(approved) && File.ReadAllText(approved).Replace("\r\n", "\n") == normalized)
        {
            if (File.Exists(received)) File.Delete(received);
            return;
        }
        File.WriteAllText(received, normalized);
        Assert.Fail(File.Exists(approved)
            ? $"'{name}.{extension}' differs from the approved file; compare '{received}' with '{approved}'."
            : $"No approved file for '{name}.{extension}'; review '{received}' and rename it to '{approved}'.");
    }
}
