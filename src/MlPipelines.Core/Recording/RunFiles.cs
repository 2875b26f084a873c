using MlPipelines.Core.Errors;
using MlPipelines.Core.Files;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Protocol;
using MlPipelines.Core.Runs;
using MlPipelines.Core.Workspaces;

namespace MlPipelines.Core.Recording;

/// <summary>
/// The files a run names in <c>##mlp[image]</c> and <c>##mlp[output]</c> lines, and its outputs. A path is looked up
/// in the output folder, then the working folder; a link is followed only while it stays inside the folder it was
/// found in (<see cref="FolderWalker"/>). Files are stored when the line is read, so a file changed or removed later
/// is kept as it was; output rows are recorded all or nothing by <see cref="Commit"/>.
/// </summary>
internal sealed class RunFiles(IWorkspace workspace, string runId, string outputDirectory, string workingDirectory)
{
    private OutputBatch _outputs = new(workspace);
    private readonly Dictionary<string, string> _outputTags = new(StringComparer.Ordinal);

    /// <summary>Stores an image file; returns the record to add to the run.</summary>
    public RunImage Image(ImageCommand image, DateTimeOffset time)
    {
        var full = Locate("image", image.Path);
        var media = Path.GetExtension(full).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".svg" => "image/svg+xml",
            _ => throw MlpException.Invalid($"image '{image.Path}' is not a .png or .svg file"),
        };
        var blob = workspace.Artifacts.PutFile(full);
        return new RunImage(image.Name, ArtifactPaths.Normalize("image", image.Path), blob.Hash, media, time);
    }

    /// <summary>
    /// Keeps a named output: one in the output folder is collected with it at the end; one in the working folder is
    /// stored now. Either way it is tagged <c>mlp.output.NAME</c> when the outputs are committed.
    /// </summary>
    public void NamedOutput(OutputCommand output)
    {
        var rel = ArtifactPaths.Normalize("output", output.Path);
        var real = Locate("output", rel, out var root);
        if (root != outputDirectory)
        {
            if (File.Exists(real)) _outputs.AddFile(real, rel);
            else _outputs.AddFolder(real, rel);
        }
        _outputTags["mlp.output." + output.Name] = rel;
    }

    /// <summary>Adds the files left in the output folder to the named outputs; returns the batch (its failure, its link warnings).</summary>
    public OutputBatch Collect()
    {
        _outputs.AddFolder(outputDirectory);
        return _outputs;
    }

    /// <summary>Records the collected outputs and the named-output tags; throws Failed (recording nothing) when collection failed.</summary>
    public void Commit()
    {
        _outputs.Commit(runId);
        if (_outputTags.Count > 0) workspace.Runs.SetTags(runId, _outputTags);
    }

    /// <summary>Forgets collected and named outputs (a step attempt that is retried starts over).</summary>
    public void Reset()
    {
        _outputs = new OutputBatch(workspace);
        _outputTags.Clear();
    }

    private string Locate(string what, string relative) => Locate(what, relative, out _);

    private string Locate(string what, string relative, out string root)
    {
        foreach (var candidate in new[] { outputDirectory, workingDirectory })
        {
            var full = ArtifactPaths.ResolveUnder(candidate, what, relative);
            if (!File.Exists(full) && !Directory.Exists(full) && new FileInfo(full).LinkTarget is null) continue;
            root = candidate;
            return FolderWalker.Contain(candidate, full, relative, out var skipped) ?? throw MlpException.Invalid(skipped!);
        }
        throw MlpException.Invalid($"{what} '{relative}' was not found in the output folder or the working folder");
    }
}
