using System.Diagnostics;
using System.Text;

namespace MlPipelines.EndToEnd.Tests;

/// <summary>
/// Runs the walkthrough of <c>src/MlPipelines.Endpoints/README.md</c> as written (its bash block, with <c>mlp</c> being
/// the CLI built next to the tests) in an empty folder, so the documentation cannot drift from the product.
/// </summary>
public sealed class EndpointsWalkthroughTests
{
    [RequiresPythonFact]
    public void Walkthrough_RunsAsWritten()
    {
        var repo = CliReferenceTests.RepoRoot();
        var block = WalkthroughBlock(File.ReadAllText(Path.Combine(repo, "src", "MlPipelines.Endpoints", "README.md")));
        using var dir = new TempDir();
        var script = dir.Write("walkthrough.sh", $"""
            set -euo pipefail
            mlp() {'{'} dotnet "$MLP_DLL" "$@"; {'}'}
            {block}
            """);
        var psi = new ProcessStartInfo("bash", [script]) { WorkingDirectory = dir.Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["MLP_DLL"] = Mlp.Dll;
        psi.Environment["MLP_REPO"] = repo;
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment["CI"] = "true";
        psi.Environment.Remove("MLP_WORKSPACE");
        psi.Environment.Remove("MLP_RUN_ID");
        var output = new StringBuilder();
        int exit;
        using (var p = Process.Start(psi)!)
        {
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("err: " + e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            try
            {
                if (!p.WaitForExit(TimeSpan.FromMinutes(6))) { p.Kill(true); Assert.Fail("the walkthrough did not finish in 6 minutes:\n" + output); }
                p.WaitForExit();
                exit = p.ExitCode;
            }
            finally
            {
                Mlp.Run(dir.Path, "endpoint", "stop");
            }
        }
        var text = output.ToString();
        Assert.True(exit == 0, $"the walkthrough failed (exit {exit}):\n{text}");
        Has(text, "setosa");                  // invoke through the split, and pinned to green
        Has(text, "\"probabilities\"");       // green serves version 2
        Has(text, "400 from deployment");     // the scorer's ValueError is a client error…
        Has(text, "\"error\":\"expected {"); // …with its message
    }

    private static void Has(string output, string expected) =>
        Assert.True(output.Contains(expected, StringComparison.Ordinal), $"missing '{expected}' in the walkthrough's output:\n{output}");

    private static string WalkthroughBlock(string readme)
    {
        var start = readme.IndexOf("## Walkthrough (local)", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no '## Walkthrough (local)' section");
        var open = readme.IndexOf("```bash\n", start, StringComparison.Ordinal) + "```bash\n".Length;
        var close = readme.IndexOf("\n```", open, StringComparison.Ordinal);
        return readme[open..close];
    }
}
