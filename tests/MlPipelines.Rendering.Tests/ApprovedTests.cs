namespace MlPipelines.Rendering.Tests;

public sealed class ApprovedTests
{
    [Fact]
    public void Verify_Mismatch_WritesReceivedFileAndFailsWithDiff()
    {
        var dir = Path.Combine(Path.GetDirectoryName(ThisFile())!, "Snapshots");
        var approved = Path.Combine(dir, "selftest.approved.txt");
        var received = Path.Combine(dir, "selftest.received.txt");
        File.WriteAllText(approved, "a\nb\n");
        try
        {
            var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => Approved.Verify("a\nc\n", "selftest", "txt"));
            Assert.Contains("line 2: - b", e.Message);
            Assert.Contains("line 2: + c", e.Message);
            Assert.Equal("a\nc\n", File.ReadAllText(received));
            Approved.Verify("a\nb\n", "selftest", "txt");
            Assert.False(File.Exists(received)); // a match removes a stale received file
        }
        finally
        {
            File.Delete(approved);
            File.Delete(received);
        }
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
