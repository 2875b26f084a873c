using System.CommandLine;
using System.IO.Compression;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Naming;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp run download ID [--output DIR] [--snapshot]</c>.</summary>
internal static class RunDownloadCommand
{
    public static Command Build()
    {
        var id = new Argument<string>("run-id") { Description = "The run id." };
        var output = new Option<string?>("--output", "-o") { Description = "Destination folder (default: ./<run-id>)." };
        var snapshot = new Option<bool>("--snapshot") { Description = "Download the source snapshot instead of the outputs." };
        return new Command("download", "Download a run's outputs (or its source snapshot).").With(id, output, snapshot).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var run = ws.Runs.GetRun(ctx.Get(id));
            var dest = Path.GetFullPath(ctx.Get(output) ?? run.Id);
            Directory.CreateDirectory(dest);
            var written = new List<string>();
            if (ctx.Get(snapshot))
            {
                if (run.SnapshotHash is null) throw Core.Errors.MlpException.NotFound("snapshot of run", run.Id, []);
                using var zip = new ZipArchive(ws.Artifacts.OpenRead(run.SnapshotHash), ZipArchiveMode.Read);
                foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
                {
                    var target = ArtifactPaths.ResolveUnder(dest, "snapshot entry", entry.FullName);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    entry.ExtractToFile(target, overwrite: true);
                    written.Add(entry.FullName);
                }
            }
            else
            {
                var outputs = ws.Runs.GetOutputs(run.Id);
                foreach (var o in outputs)
                {
                    ws.Artifacts.CopyTo(o.Hash, ArtifactPaths.ResolveUnder(dest, "output", o.Path));
                    written.Add(o.Path);
                }
            }
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { destination = dest, files = written });
            else ctx.Output.Line($"Downloaded {written.Count} file(s) of run {run.Id} to {dest}");
            return 0;
        });
    }
}
