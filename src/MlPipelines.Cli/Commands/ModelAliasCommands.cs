using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp model alias set|delete</c> and <c>mlp model history</c>: every alias move is kept.</summary>
internal static class ModelAliasCommands
{
    public static Command BuildAlias()
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var alias = new Argument<string>("alias") { Description = "Alias, e.g. champion or challenger." };
        var version = new Argument<int>("version") { Description = "The version the alias should point at." };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the alias history)." };
        var set = new Command("set", "Point an alias at a version (atomic; recorded in the history).").With(name, alias, version, reason).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var change = ws.Models.SetAlias(Names.Validate("model", ctx.Get(name)), Names.Validate("alias", ctx.Get(alias)), ctx.Get(version), Environment.UserName, ctx.Get(reason));
            Report(ctx, change);
            return 0;
        });

        var deleteName = new Argument<string>("name") { Description = "Model name." };
        var deleteAlias = new Argument<string>("alias") { Description = "Alias to remove." };
        var deleteReason = new Option<string?>("--reason") { Description = "Why (kept in the alias history)." };
        var delete = new Command("delete", "Remove an alias (recorded in the history).").With(deleteName, deleteAlias, deleteReason).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var change = ws.Models.DeleteAlias(Names.Validate("model", ctx.Get(deleteName)), Names.Validate("alias", ctx.Get(deleteAlias)), Environment.UserName, ctx.Get(deleteReason));
            Report(ctx, change);
            return 0;
        });
        return new Command("alias", "Move or remove model aliases (champion, challenger, …).").With(set, delete);
    }

    public static Command BuildHistory()
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var alias = new Option<string?>("--alias") { Description = "Only moves of this alias." };
        return new Command("history", "Every alias move of a model, oldest first: who, when, from, to, why.").With(name, alias).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var changes = ws.Models.History(Names.Validate("model", ctx.Get(name)))
                .Where(c => ctx.Get(alias) is not { } a || c.Alias == a).ToList();
            ctx.Output.List(changes,
                ("When", c => CliOutput.Format(c.When)), ("Alias", c => c.Alias), ("From", c => Version(c.FromVersion)),
                ("To", c => Version(c.ToVersion)), ("Who", c => c.Who), ("Reason", c => c.Reason));
            return 0;
        });
    }

    private static void Report(CliContext ctx, AliasChange change)
    {
        if (ctx.Output.IsJson) { ctx.Output.JsonValue(change); return; }
        var what = change.ToVersion is null ? "removed" : $"→ version {change.ToVersion}";
        ctx.Output.Line($"Model '{change.Model}' alias '{change.Alias}' {what} (was {Version(change.FromVersion)}).");
    }

    private static string Version(int? v) => v?.ToString() ?? "-";
}
