using MlPipelines.Core.Runs;
using MlPipelines.Pipelines;
using MlPipelines.Runner.Progress;
using MlPipelines.Workspace.Snapshots;

namespace MlPipelines.Runner.Tests;

/// <summary>
/// Code hashes, data input hashes and kept outputs read folders with the link rule: a link resolving inside the folder
/// counts as that file, any other (out of the folder, dangling, a loop) is skipped with a warning naming it.
/// </summary>
public sealed class LinkedFolderTests : IDisposable
{
    private readonly RunnerFixture _f = new();

    public void Dispose() => _f.Dispose();

    private string Folder(string name)
    {
        var dir = Path.Combine(_f.Dir, name);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        File.WriteAllText(Path.Combine(dir, "train.py"), "print('train')\n");
        File.WriteAllText(Path.Combine(dir, "sub", "util.py"), "X = 1\n");
        return dir;
    }

    /// <summary>Links out of the folder (a file, a folder), a dangling one, a self loop and one back at the folder itself.</summary>
    private static void AddEscapingLinks(string dir)
    {
        File.CreateSymbolicLink(Path.Combine(dir, "passwd"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(dir, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(dir, "dead"), "nowhere");
        File.CreateSymbolicLink(Path.Combine(dir, "loop"), "loop");
        Directory.CreateSymbolicLink(Path.Combine(dir, "sub", "up"), "..");
    }

    [Fact]
    public void Hash_LinksLeavingTheFolder_SkippedWithAWarningEachAndHashUnchanged()
    {
        var dir = Folder("src");
        var before = SourceHasher.Hash(_f.Workspace.FileHashes, dir);
        AddEscapingLinks(dir);

        var warnings = new List<string>();
        var after = SourceHasher.Hash(_f.Workspace.FileHashes, dir, warn: warnings.Add);

        Assert.Equal(before, after);
        Assert.Equal(5, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("'passwd' → '/etc/passwd'") && w.Contains("outside"));
        Assert.Contains(warnings, w => w.Contains("'etc' → '/etc'"));
        Assert.Contains(warnings, w => w.Contains("'dead' → 'nowhere'") && w.Contains("does not exist"));
        Assert.Contains(warnings, w => w.Contains("'loop' → 'loop'") && w.Contains("loop of links"));
        Assert.Contains(warnings, w => w.Contains("'sub/up' → '..'") && w.Contains("points back"));
    }

    [Fact]
    public void Hash_SourceFilesWithLinksInsideTheFolder_HashLikeCopiesOfTheirTargets()
    {
        var linked = Folder("linked");
        File.CreateSymbolicLink(Path.Combine(linked, "alias.py"), "train.py");
        Directory.CreateSymbolicLink(Path.Combine(linked, "lib"), "sub");
        AddEscapingLinks(linked);
        var copied = Folder("copied");
        File.Copy(Path.Combine(copied, "train.py"), Path.Combine(copied, "alias.py"));
        Directory.CreateDirectory(Path.Combine(copied, "lib"));
        File.Copy(Path.Combine(copied, "sub", "util.py"), Path.Combine(copied, "lib", "util.py"));

        var walk = SourceFiles.Walk(linked);
        var warnings = new List<string>();

        Assert.Equal(["alias.py", "lib/util.py", "sub/util.py", "train.py"], walk.Files.Select(f => f.RelativePath));
        Assert.Equal(SourceHasher.Hash(_f.Workspace.FileHashes, copied, walk: SourceFiles.Walk(copied)),
            SourceHasher.Hash(_f.Workspace.FileHashes, linked, walk: walk, warn: warnings.Add));
        // The five escaping links, and 'up' once more through the 'lib' alias of 'sub'.
        Assert.Equal(6, warnings.Count(w => w.StartsWith("Skipped symbolic link", StringComparison.Ordinal)));
        Assert.Contains(warnings, w => w.Contains("'lib/up' → '..'"));
    }

    [Fact]
    public async Task RunAsync_DataFolderLinkingOutside_LinkIsNotPartOfTheInputHashAndWarns()
    {
        var outside = Directory.CreateTempSubdirectory("mlp-outside-").FullName;
        try
        {
            var secret = Path.Combine(outside, "secret.txt");
            File.WriteAllText(secret, "one");
            var data = Folder("data");
            File.CreateSymbolicLink(Path.Combine(data, "secret.txt"), secret);
            var progress = new RecordingProgress();

            var first = await _f.RunAsync(new DataFolderPipeline(data), o => o with { Progress = progress });
            File.Delete(Path.Combine(data, "secret.txt"));
            var second = await _f.RunAsync(new DataFolderPipeline(data));

            Assert.Equal(RunStatus.Completed, first.Status);
            Assert.Equal(first["use"].RunId, second["use"].ReusedFrom);
            Assert.Contains(progress.Lines, l => l.Step == "use" && l.Text.StartsWith("warning: Skipped symbolic link 'secret.txt' → '" + secret + "'", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_KeptWorkingFolderWithLinks_InsideCopiedOthersSkippedWithWarningInRunLog()
    {
        var result = await _f.RunAsync(new KeptFolderPipeline());

        Assert.Equal(RunStatus.Completed, result.Status);
        var runId = result["keep"].RunId!;
        Assert.Equal(["report/a.txt", "report/inside.txt"], _f.Workspace.Runs.GetOutputs(runId).Select(o => o.Path));
        var warnings = _f.Workspace.Runs.GetLogs(runId).Where(l => l.Stream == LogStream.System && l.Text.StartsWith("warning: Skipped symbolic link", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, l => l.Text.Contains("'passwd' → '/etc/passwd'"));
        Assert.Contains(warnings, l => l.Text.Contains("'etc' → '/etc'"));
    }

    private sealed class DataFolderPipeline(string dataDir) : Pipeline
    {
        protected override void Define(PipelineBuilder p)
        {
            var data = p.Data("raw", dataDir);
            p.Command("use", c => c.Command("bash", "-c", "cat \"$0/train.py\" > \"$1\"", data, c.Outputs.File("out")));
        }
    }

    /// <summary>A step keeping a folder of its working directory (not its output folder) that holds links.</summary>
    private sealed class KeptFolderPipeline : Pipeline
    {
        protected override void Define(PipelineBuilder p) =>
            p.Command("keep", "bash", "-c",
                "mkdir -p report && cd report && echo w > a.txt && ln -sf a.txt inside.txt && ln -sf /etc/passwd passwd && ln -sfn /etc etc && cd .. && " +
                "echo '##mlp[output name=report]report'");
    }

    private sealed class RecordingProgress : IRunProgress
    {
        private readonly List<(string Step, string Text)> _lines = [];

        public IReadOnlyList<(string Step, string Text)> Lines { get { lock (_lines) return [.. _lines]; } }

        public void PipelineStarted(string pipeline, string runId, IReadOnlyList<string> steps) { }
        public void StepChanged(StepProgress step) { }
        public void Output(string step, LogStream stream, string text) { lock (_lines) _lines.Add((step, text)); }
        public void PipelineFinished(PipelineRunResult result) { }
    }
}
