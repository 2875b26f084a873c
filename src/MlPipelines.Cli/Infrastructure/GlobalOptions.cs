using System.CommandLine;

namespace MlPipelines.Cli.Infrastructure;

/// <summary>Options every command accepts.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Workspace = new("--workspace", "-w")
    {
        Description = "Workspace folder (or its .mlp/ folder). Default: $MLP_WORKSPACE, then the nearest .mlp/ up from the current folder. Server commands (role, audit) take a workspace NAME or https://HOST:PORT/workspaces/NAME.",
        Recursive = true,
    };

    public static readonly Option<OutputFormat> Format = new("--format")
    {
        Description = "Output format: table (for people) or json (for scripts).",
        DefaultValueFactory = _ => OutputFormat.Table,
        Recursive = true,
    };
}

/// <summary>How listings and details are printed.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}
