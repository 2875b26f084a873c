using System.CommandLine;
using MlPipelines.Cli;
using MlPipelines.Cli.Infrastructure;

var root = new RootCommand("mlp: MlPipelines workspaces, runs, models, images and endpoints.");
root.Options.Add(GlobalOptions.Workspace);
root.Options.Add(GlobalOptions.Format);
foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
