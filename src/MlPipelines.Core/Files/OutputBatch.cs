using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Core.Files;

/// <summary>
/// A run's outputs collected all-or-nothing: files are put in the artifact store as they are added (blobs are
/// content-addressed, so an unused one is harmless), but no output row is recorded until <see cref="Commit"/>, and
/// nothing is recorded once one file could not be read. Folders are read with the <see cref="FolderWalker"/> rule.
/// </summary>
public sealed class OutputBatch(IWorkspace workspace)
{
    private readonly SortedDictionary<string, RunOutput> _outputs = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    /// <summary>Links skipped so far (each names the link and its target).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The outputs collected so far, sorted by path.</summary>
    public IReadOnlyCollection<RunOutput> Outputs => _outputs.Values;

    /// <summary>Why collection failed (the first file that could not be read), or null.</summary>
    public string? Failure { get; private set; }

    /// <summary>Stores one file as output <paramref name="relative"/>.</summary>
    public void AddFile(string path, string relative)
    {
        if (Failure is not null) return;
        var rel = ArtifactPaths.Normalize("output", relative);
        try
        {
            var blob = workspace.Artifacts.PutFile(path);
            _outputs[rel] = new RunOutput(rel, blob.Hash, blob.Size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or MlpException)
        {
            Failure = $"output '{rel}' could not be read ({e.Message}); no outputs were recorded";
        }
    }

    /// <summary>Stores every file of a folder, under <paramref name="prefix"/> ("" for the top level).</summary>
    public void AddFolder(string folder, string prefix = "")
    {
        if (Failure is not null || !Directory.Exists(folder)) return;
        FolderWalk walk;
        try { walk = FolderWalker.Walk(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Failure = $"the output folder could not be read ({e.Message}); no outputs were recorded";
            return;
        }
        _warnings.AddRange(walk.Warnings);
        foreach (var f in walk.Files) AddFile(f.FullPath, prefix.Length == 0 ? f.RelativePath : prefix + "/" + f.RelativePath);
    }

    /// <summary>Records the outputs on the run; throws Failed (recording nothing) when collection failed.</summary>
    public void Commit(string runId)
    {
        if (Failure is not null) throw MlpException.Failed("Collecting outputs failed: " + Failure + ".");
        foreach (var o in _outputs.Values) workspace.Runs.AddOutput(runId, o);
    }
}
