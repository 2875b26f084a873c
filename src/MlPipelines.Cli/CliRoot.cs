using System.CommandLine;
using MlPipelines.Cli.Commands;
using MlPipelines.Cli.Infrastructure;

namespace MlPipelines.Cli;

/// <summary>Builds the <c>mlp</c> command tree.</summary>
internal static class CliRoot
{
    public static RootCommand Create()
    {
        var root = new RootCommand("mlp: MlPipelines workspaces, runs, data, models, images and endpoints.");
        root.Options.Add(GlobalOptions.Workspace);
        root.Options.Add(GlobalOptions.Format);
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        root.Subcommands.Add(DocsCommands.Build(Create));
        return root;
    }
}
