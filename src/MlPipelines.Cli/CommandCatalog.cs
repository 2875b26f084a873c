using System.CommandLine;
using MlPipelines.Cli.Commands;

namespace MlPipelines.Cli;

/// <summary>Every top-level command group of <c>mlp</c>, in help order.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All() =>
    [
        WorkspaceCommands.Build(),
        ExperimentCommands.Build(),
        RunCommands.Build(),
        DataCommands.Build(),
        ModelCommands.Build(),
        ImageCommands.Build(),
        ComputeCommands.Build(),
        EnvironmentCommands.Build(),
        EndpointCommands.Build(),
        DeploymentCommands.Build(),
        ServerCommands.Build(),
        LoginCommand.Build(),
        RoleCommands.Build(),
        IdentityCommands.BuildIdentity(),
        IdentityCommands.BuildToken(),
        AuditCommands.Build(),
    ];
}
