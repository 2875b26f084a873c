using System.CommandLine;
using MlPipelines.Core.Workspaces;
using MlPipelines.Workspace;
using MlPipelines.Workspace.Remote;

namespace MlPipelines.Cli.Infrastructure;

/// <summary>What a command handler needs: its parsed options, the workspace and an output writer.</summary>
internal sealed class CliContext(ParseResult parse, CancellationToken cancellation)
{
    public ParseResult Parse { get; } = parse;
    public CancellationToken Cancellation { get; } = cancellation;
    public OutputFormat Format => Parse.GetValue(GlobalOptions.Format);
    public CliOutput Output => new(Format);
    public string? WorkspaceOption => Parse.GetValue(GlobalOptions.Workspace);

    /// <summary>Opens the workspace chosen by --workspace, MLP_WORKSPACE or the nearest .mlp/ folder.</summary>
    public IWorkspace OpenWorkspace() => WorkspaceConnector.Open(WorkspaceOption);

    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;
    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;
}
