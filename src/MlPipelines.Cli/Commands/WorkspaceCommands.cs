using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Workspace;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp workspace init|show</c> (embedded) and <c>create|list|delete --server</c> (a workspace server).</summary>
internal static class WorkspaceCommands
{
    public static Command Build()
    {
        var dir = new Argument<string?>("dir") { Description = "Folder to create .mlp/ in (default: current folder).", Arity = ArgumentArity.ZeroOrOne };
        var init = new Command("init", "Create an embedded workspace (.mlp/ with workspace.db and artifacts/).").With(dir).Handle(ctx =>
        {
            var target = Path.GetFullPath(ctx.Get(dir) ?? Directory.GetCurrentDirectory());
            using var ws = LocalWorkspace.Init(target);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(ws.Info);
            else ctx.Output.Line($"Initialised workspace at {ws.Info.Location} (schema {ws.Info.SchemaVersion}).");
            return 0;
        });

        var show = new Command("show", "Print the workspace location, schema version, counts and size.").Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var s = ws.Stats();
            foreach (var w in s.Warnings) CliOutput.Warn(w);
            ctx.Output.Item(new { ws.Info, Stats = s }, [
                ("Location", ws.Info.Location), ("Kind", ws.Info.Kind), ("Schema", ws.Info.SchemaVersion.ToString()),
                ("Experiments", s.Experiments.ToString()), ("Runs", s.Runs.ToString()), ("Metric points", s.MetricPoints.ToString()),
                ("Datasets", s.Datasets.ToString()), ("Models", s.Models.ToString()), ("Images", s.Images.ToString()),
                ("Endpoints", s.Endpoints.ToString()),
                ("Artifacts", $"{s.ArtifactCount} blobs, {CliOutput.Size(s.ArtifactBytes)}"), ("Database", CliOutput.Size(s.DatabaseBytes)),
            ]);
            return 0;
        });
        return new Command("workspace", "Create and inspect workspaces.").With([init, show, .. ServerWorkspaceCommands.Build()]);
    }
}
