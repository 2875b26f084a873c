using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Compute;
using MlPipelines.Core.Compute;
using MlPipelines.Core.Errors;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp compute create|list|show|delete</c>: compute targets registered in the workspace.</summary>
internal static class ComputeCommands
{
    public static Command Build() => new Command("compute",
            "Compute targets registered in the workspace (local, docker, slurm, kubernetes); steps name them with .Compute(\"NAME\"), runs with --compute NAME. " +
            "'local' (a process on this machine) is always there.")
        .With(BuildCreate(), BuildList(), BuildShow(), BuildDelete());

    private static Command BuildCreate()
    {
        var name = new Argument<string?>("name") { Description = "The target's name (optional with --file when the file has 'name').", Arity = ArgumentArity.ZeroOrOne };
        var type = new Option<string?>("--type") { Description = $"Kind: {string.Join(", ", ComputeKinds.All)}." };
        var option = new Option<string[]>("--option", "-o") { Description = "A kind option as NAME=VALUE (repeatable); 'mlp compute create --help' lists them by kind.", AllowMultipleArgumentsPerToken = false };
        var maxConcurrent = new Option<int?>("--max-concurrent") { Description = "At most this many jobs of one runner on the target at once." };
        var description = new Option<string?>("--description") { Description = "Free text shown by 'mlp compute list'." };
        var file = new Option<string?>("--file", "-f") { Description = "A YAML file shaped like Azure ML's compute YAML (name, type, description, max_instances, and the kind's options as fields)." };
        var help = "Register a compute target.\n\nOptions by kind (--option NAME=VALUE, or NAME: VALUE in --file with '_' for '-'):" +
            string.Concat(ComputeKinds.Options.Where(k => k.Value.Count > 0).Select(k =>
                $"\n  {k.Key}:" + string.Concat(k.Value.Select(o => $"\n    {o.Name} ({o.Type}{(o.Required ? ", required" : "")})  {o.Description}"))));
        return new Command("create", help).With(name, type, option, maxConcurrent, description, file).Handle(ctx =>
        {
            ComputeTargetDefinition definition;
            if (ctx.Get(file) is { } path)
            {
                if (ctx.Get(type) is not null || ctx.Get(option) is { Length: > 0 })
                    throw MlpException.Invalid("Give the kind and its options either in --file or with --type/--option, not both.");
                definition = ComputeYaml.Read(path, ctx.Get(name));
                if (ctx.Get(maxConcurrent) is { } m) definition = definition with { MaxConcurrent = m };
                if (ctx.Get(description) is { } d) definition = definition with { Description = d };
            }
            else
            {
                definition = new ComputeTargetDefinition
                {
                    Name = ctx.Get(name) ?? throw MlpException.Invalid("Give the target's NAME (or --file with a 'name')."),
                    Kind = ctx.Get(type) ?? throw MlpException.Invalid($"Give the target's kind with --type ({string.Join(", ", ComputeKinds.All)})."),
                    MaxConcurrent = ctx.Get(maxConcurrent),
                    Description = ctx.Get(description),
                    Options = ParseOptions(ctx.Get(option) ?? []),
                };
            }
            using var ws = ctx.OpenWorkspace();
            var created = ws.Computes.Create(definition with { CreatedAt = DateTimeOffset.UtcNow, CreatedBy = Environment.UserName });
            if (ctx.Output.IsJson) ctx.Output.JsonValue(created);
            else ctx.Output.Line($"Registered compute target '{created.Name}' ({created.Kind}{Options(created)}).");
            return 0;
        });
    }

    private static Dictionary<string, string> ParseOptions(IEnumerable<string> pairs)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw MlpException.Invalid($"--option '{pair}' is not NAME=VALUE.");
            if (!options.TryAdd(pair[..eq], pair[(eq + 1)..])) throw MlpException.Invalid($"--option '{pair[..eq]}' is given twice.");
        }
        return options;
    }

    private static string Options(ComputeTargetDefinition c) =>
        (c.MaxConcurrent is { } m ? $", max {m} at once" : "") + string.Concat(c.Options.Select(o => $", {o.Key}={o.Value}"));

    private static Command BuildList() => new Command("list", "List the compute targets steps may name: 'local' and the registered ones.").Handle(ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var targets = new List<ComputeTargetDefinition> { new() { Name = ComputeKinds.BuiltInLocal, Kind = "local", Description = "built in: a process on the machine that runs the step" } };
        targets.AddRange(ws.Computes.List());
        if (ctx.Output.IsJson) { ctx.Output.JsonValue(targets); return 0; }
        ctx.Output.List(targets,
            ("Name", c => c.Name), ("Kind", c => c.Kind), ("Max concurrent", c => c.MaxConcurrent?.ToString() ?? ""),
            ("Options", c => string.Join(" ", c.Options.Select(o => $"{o.Key}={o.Value}"))), ("Description", c => c.Description),
            ("Created", c => c.CreatedAt == default ? "" : CliOutput.Format(c.CreatedAt)));
        return 0;
    });

    private static Command BuildShow()
    {
        var name = new Argument<string>("name") { Description = "The target's name." };
        return new Command("show", "Show one compute target.").With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var c = ws.Computes.Find(ctx.Get(name))
                ?? throw MlpException.NotFound("compute target", ctx.Get(name), new[] { ComputeKinds.BuiltInLocal }.Concat(ws.Computes.List().Select(x => x.Name)));
            if (ctx.Output.IsJson) { ctx.Output.JsonValue(c); return 0; }
            ctx.Output.Item(c, new (string, string?)[]
            {
                ("Name", c.Name), ("Kind", c.Kind), ("Description", c.Description), ("Max concurrent", c.MaxConcurrent?.ToString() ?? "no limit"),
                ("Created", $"{CliOutput.Format(c.CreatedAt)}{(c.CreatedBy is null ? "" : " by " + c.CreatedBy)}"),
            }.Concat(c.Options.Select(o => (o.Key, (string?)o.Value))));
            return 0;
        });
    }

    private static Command BuildDelete()
    {
        var name = new Argument<string>("name") { Description = "The target's name." };
        return new Command("delete", "Remove a registered compute target (runs that used it keep its name; steps naming it no longer compile).").With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            if (ctx.Get(name) == ComputeKinds.BuiltInLocal) throw MlpException.Invalid("'local' is built in and cannot be deleted.");
            if (!ws.Computes.Delete(ctx.Get(name)))
                throw MlpException.NotFound("compute target", ctx.Get(name), ws.Computes.List().Select(x => x.Name));
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { deleted = ctx.Get(name) });
            else ctx.Output.Line($"Deleted compute target '{ctx.Get(name)}'.");
            return 0;
        });
    }
}
