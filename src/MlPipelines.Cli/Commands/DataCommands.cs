using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Data;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp data register|list|show|download</c> and <c>mlp data datastore add|list</c>.</summary>
internal static class DataCommands
{
    public static Command Build() => new Command("data", "Register, list, inspect and download versioned datasets.").With(
        BuildRegister(), BuildList(), BuildShow(), BuildDownload(), BuildDatastore());

    private static Command BuildRegister()
    {
        var name = new Argument<string>("name") { Description = "Dataset name." };
        var path = new Argument<string>("path") { Description = "A file or folder; its content becomes a new version (or the existing version with identical content)." };
        var description = new Option<string?>("--description", "-d") { Description = "What the data is." };
        var datastore = new Option<string>("--datastore") { Description = "Datastore to hold the data.", DefaultValueFactory = _ => "workspace" };
        return new Command("register", "Register a file or folder as a new dataset version.").With(name, path, description, datastore).Handle(ctx =>
        {
            var dataset = Names.Validate("dataset", ctx.Get(name));
            var source = Path.GetFullPath(ctx.Get(path));
            if (!File.Exists(source) && !Directory.Exists(source))
                throw MlpException.Invalid($"Cannot register dataset '{dataset}': path '{ctx.Get(path)}' does not exist; expected a file or folder.");
            using var ws = ctx.OpenWorkspace();
            var before = ExistingVersions(ws.Datasets, dataset);
            var v = ws.Datasets.Register(dataset, source, ctx.Get(description), ctx.Get(datastore), CliOutput.Warn);
            var reused = before.Contains(v.Version);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { reused, dataset = v });
            else ctx.Output.Line(reused
                ? $"Dataset '{v.Name}' already has this content as version {v.Version} ({Short(v.Hash)}); nothing registered."
                : $"Registered dataset '{v.Name}' version {v.Version}: {v.FileCount} file(s), {CliOutput.Size(v.SizeBytes)}, hash {Short(v.Hash)}.");
            return 0;
        });
    }

    private static Command BuildList()
    {
        var name = new Argument<string?>("name") { Description = "List every version of this dataset instead of the latest of each.", Arity = ArgumentArity.ZeroOrOne };
        return new Command("list", "List datasets (latest version of each), or all versions of one.").With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var items = ctx.Get(name) is { } n ? ws.Datasets.Versions(n) : ws.Datasets.List();
            ctx.Output.List(items,
                ("Name", d => d.Name), ("Version", d => d.Version.ToString()), ("Files", d => d.FileCount.ToString()),
                ("Size", d => CliOutput.Size(d.SizeBytes)), ("Hash", d => Short(d.Hash)), ("Datastore", d => d.Datastore),
                ("Created", d => CliOutput.Format(d.CreatedAt)), ("Description", d => d.Description));
            return 0;
        });
    }

    private static Command BuildShow()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME:VERSION or NAME:latest." };
        return new Command("show", "Show one dataset version: hash, size, files, and the other versions.").With(reference).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var (n, version) = ParseRef(ctx.Get(reference));
            var v = ws.Datasets.Get(n, version);
            var versions = ws.Datasets.Versions(n);
            var lines = new List<(string, string?)>
            {
                ("Dataset", $"{v.Name}:{v.Version}"), ("Hash", v.Hash), ("Kind", v.IsFile ? "file" : "folder"),
                ("Files", v.FileCount.ToString()), ("Size", CliOutput.Size(v.SizeBytes)), ("Datastore", v.Datastore),
                ("Created", CliOutput.Format(v.CreatedAt)), ("Description", v.Description),
                ("Versions", string.Join(", ", versions.Select(x => x.Version))),
            };
            const int shown = 20;
            lines.AddRange(v.Files.Take(shown).Select(f => ("file", (string?)$"{f.Path} ({CliOutput.Size(f.Size)})")));
            if (v.Files.Count > shown) lines.Add(("file", $"… and {v.Files.Count - shown} more"));
            ctx.Output.Item(new { dataset = v, versions = versions.Select(x => x.Version) }, lines.Where(l => l.Item2 is not null));
            return 0;
        });
    }

    private static Command BuildDownload()
    {
        var reference = new Argument<string>("dataset") { Description = "NAME, NAME:VERSION or NAME:latest." };
        var output = new Option<string?>("--output", "-o") { Description = "Destination folder (default: ./NAME)." };
        return new Command("download", "Copy a dataset version's files into a folder.").With(reference, output).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var (n, version) = ParseRef(ctx.Get(reference));
            var v = ws.Datasets.Get(n, version);
            var dest = Path.GetFullPath(ctx.Get(output) ?? v.Name);
            ws.Datasets.Download(v.Name, v.Version, dest);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { dataset = v.Name, version = v.Version, destination = dest, files = v.Files.Select(f => f.Path) });
            else ctx.Output.Line($"Downloaded dataset '{v.Name}' version {v.Version} ({v.FileCount} file(s)) to {dest}");
            return 0;
        });
    }

    private static Command BuildDatastore()
    {
        var name = new Argument<string>("name") { Description = "Datastore name." };
        var location = new Argument<string>("path") { Description = "A local or mounted folder." };
        var add = new Command("add", "Add a datastore pointing at a folder.").With(name, location).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var d = ws.Datasets.AddDatastore(Names.Validate("datastore", ctx.Get(name)), Path.GetFullPath(ctx.Get(location)));
            if (ctx.Output.IsJson) ctx.Output.JsonValue(d);
            else ctx.Output.Line($"Added datastore '{d.Name}' ({d.Kind}) at {d.Location}");
            return 0;
        });
        var list = new Command("list", "List datastores.").Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            ctx.Output.List(ws.Datasets.ListDatastores(), ("Name", d => d.Name), ("Kind", d => d.Kind), ("Location", d => d.Location), ("Created", d => CliOutput.Format(d.CreatedAt)));
            return 0;
        });
        return new Command("datastore", "Named places for data (the default 'workspace' datastore lives inside .mlp/).").With(add, list);
    }

    /// <summary>Parses NAME, NAME:VERSION or NAME:latest.</summary>
    internal static (string Name, int? Version) ParseRef(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon < 0) return (Names.Validate("dataset", text), null);
        var name = Names.Validate("dataset", text[..colon]);
        var v = text[(colon + 1)..];
        if (v == "latest") return (name, null);
        return int.TryParse(v, out var n) && n > 0 ? (name, n)
            : throw MlpException.Invalid($"Invalid dataset version in '{text}': expected NAME, NAME:VERSION (a positive integer) or NAME:latest.");
    }

    private static HashSet<int> ExistingVersions(IDatasetStore store, string name)
    {
        try { return store.Versions(name).Select(v => v.Version).ToHashSet(); }
        catch (MlpException e) when (e.Kind == ErrorKind.NotFound) { return []; }
    }

    internal static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
