namespace MlPipelines.EndToEnd.Tests;

public class CliReferenceTests
{
    [Fact]
    public void DocsCliMd_MatchesTheCommandsOwnHelp()
    {
        var root = RepoRoot();
        var committed = Path.Combine(root, "docs", "cli.md");
        var generated = Mlp.Run(root, "docs", "cli");
        Assert.True(generated.ExitCode == 0, generated.ToString());
        var expected = File.Exists(committed) ? File.ReadAllText(committed).ReplaceLineEndings("\n") : "";
        if (expected != generated.Stdout.ReplaceLineEndings("\n"))
        {
            File.WriteAllText(Path.Combine(root, "docs", "cli.received.md"), generated.Stdout);
            Assert.Fail("docs/cli.md is stale: the generated reference was written to docs/cli.received.md; run './build.sh docs' and commit docs/cli.md.");
        }
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MlPipelines.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("MlPipelines.sln not found above the test folder.");
    }
}
