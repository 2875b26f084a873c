using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Naming;
using MlPipelines.Core.Registry;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp model register|list|show|download|lineage|delete</c>; aliases and history are in <see cref="ModelAliasCommands"/>.</summary>
internal static class ModelCommands
{
    public static Command Build() => new Command("model", "Register models, inspect versions and lineage, move aliases.").With(
        BuildRegister(), BuildList(), BuildShow(), BuildDownload(), BuildLineage(),
        ModelAliasCommands.BuildAlias(), ModelAliasCommands.BuildHistory(), BuildDelete());

    private static Command BuildRegister()
    {
        var name = new Argument<string>("name") { Description = "Model name." };
        var run = new Option<string?>("--run") { Description = "Source run: --path is then an output path (file or folder) of that run." };
        var path = new Option<string>("--path") { Description = "Output path inside the run (with --run), or a local file or folder.", Required = true };
        var flavor = new Option<string?>("--flavor") { Description = "Framework or flavor, e.g. dotnet, sklearn." };
        var description = new Option<string?>("--description", "-d") { Description = "What the model is." };
        var tags = new Option<string[]>("--tag") { Description = "Tag as key=value (repeatable)." };
        var signature = new Option<string?>("--signature") { Description = "JSON file with the input/output schema." };
        var alias = new Option<string?>("--alias") { Description = "Point this alias (e.g. challenger) at the new version." };
        return new Command("register", "Register a new model version from a run's output or a local folder.")
            .With(name, run, path, flavor, description, tags, signature, alias).Handle(ctx =>
        {
            var model = Names.Validate("model", ctx.Get(name));
            var aliasName = ctx.Get(alias) is { } a ? Names.Validate("alias", a) : null;
            var runId = ctx.Get(run);
            var source = ctx.Get(path);
            if (runId is null && !File.Exists(source) && !Directory.Exists(source))
                throw MlpException.Invalid($"Cannot register model '{model}': local path '{source}' does not exist; pass a file or folder, or --run RUN_ID with an output path of that run.");
            string? signatureJson = null;
            if (ctx.Get(signature) is { } sigFile)
            {
                if (!File.Exists(sigFile)) throw MlpException.Invalid($"Signature file '{sigFile}' does not exist.");
                signatureJson = File.ReadAllText(sigFile);
                try { System.Text.Json.JsonDocument.Parse(signatureJson).Dispose(); }
                catch (System.Text.Json.JsonException e) { throw MlpException.Invalid($"Signature file '{sigFile}' is not valid JSON: {e.Message}"); }
            }

            using var ws = ctx.OpenWorkspace();
            var v = ws.Models.Register(new NewModelVersion
            {
                Name = model, RunId = runId,
                RunOutputPath = runId is null ? null : ArtifactPaths.Normalize("run output path", source),
                LocalPath = runId is null ? Path.GetFullPath(source) : null,
                Flavor = ctx.Get(flavor), Description = ctx.Get(description), SignatureJson = signatureJson,
                Tags = ParseTags(ctx.Get(tags) ?? []), CreatedBy = Environment.UserName, OnWarning = CliOutput.Warn,
            });
            AliasChange? change = aliasName is null ? null
                : ws.Models.SetAlias(v.Name, aliasName, v.Version, Environment.UserName, "set at registration");
            if (change is not null) v = ws.Models.Get(new ModelRef(v.Name, v.Version, null));
            if (ctx.Output.IsJson) ctx.Output.JsonValue(ModelView.Of(v));
            else
            {
                ctx.Output.Line($"Registered model '{v.Name}' version {v.Version}: {v.Files.Count} file(s), hash {DataCommands.Short(v.Hash)}.");
                if (change is not null) ctx.Output.Line($"Alias '{change.Alias}' → version {change.ToVersion}" + (change.FromVersion is { } f ? $" (was {f})." : "."));
            }
            return 0;
        });
    }

    private static Command BuildList()
    {
        var name = new Argument<string?>("name") { Description = "List every version of this model instead of the latest of each.", Arity = ArgumentArity.ZeroOrOne };
        return new Command("list", "List models (latest version of each), or all versions of one.").With(name).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var items = ctx.Get(name) is { } n ? ws.Models.Versions(Names.Validate("model", n)) : ws.Models.List();
            if (ctx.Output.IsJson) { ctx.Output.JsonValue(items.Select(ModelView.Of)); return 0; }
            ctx.Output.List(items,
                ("Name", m => m.Name), ("Version", m => m.Version.ToString()), ("Aliases", m => string.Join(", ", m.Aliases)),
                ("Flavor", m => m.Flavor), ("Files", m => m.Files.Count.ToString()), ("Run", m => m.Lineage.RunId),
                ("Created", m => CliOutput.Format(m.CreatedAt)), ("Description", m => m.Description));
            return 0;
        });
    }

    private static Command BuildShow()
    {
        var reference = new Argument<string>("model") { Description = "NAME, NAME:VERSION, NAME:latest or NAME@ALIAS." };
        return new Command("show", "Show a model version: files, metrics, tags, aliases and its lineage tree.").With(reference).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var v = ws.Models.Get(ModelRef.Parse(ctx.Get(reference)));
            if (ctx.Output.IsJson) { ctx.Output.JsonValue(ModelView.Of(v)); return 0; }
            var lines = new List<(string, string?)>
            {
                ("Model", $"{v.Name}:{v.Version}"), ("Aliases", v.Aliases.Count == 0 ? null : string.Join(", ", v.Aliases)),
                ("Hash", v.Hash), ("Flavor", v.Flavor), ("Description", v.Description),
                ("Created", CliOutput.Format(v.CreatedAt)), ("Created by", v.CreatedBy),
                ("Signature", v.SignatureJson is null ? null : "yes"),
            };
            lines.AddRange(v.Tags.OrderBy(t => t.Key).Select(t => ($"tag {t.Key}", (string?)t.Value)));
            lines.AddRange(v.Metrics.OrderBy(m => m.Key).Select(m => ($"metric {m.Key}", (string?)CliOutput.Format(m.Value))));
            lines.AddRange(v.Files.Select(f => ("file", (string?)$"{f.Path} ({CliOutput.Size(f.Size)})")));
            ctx.Output.Item(v, lines.Where(l => l.Item2 is not null));
            Console.Out.WriteLine();
            ModelLineageView.Write(ModelLineageView.Build(ws, v));
            return 0;
        });
    }

    private static Command BuildLineage()
    {
        var reference = new Argument<string>("model") { Description = "NAME:VERSION (or NAME@ALIAS)." };
        return new Command("lineage", "Show where a model version came from: run ← pipeline run, datasets, snapshot, environment.").With(reference).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var lineage = ModelLineageView.Build(ws, ws.Models.Get(ModelRef.Parse(ctx.Get(reference))));
            if (ctx.Output.IsJson) ctx.Output.JsonValue(lineage);
            else ModelLineageView.Write(lineage);
            return 0;
        });
    }

    private static Command BuildDownload()
    {
        var reference = new Argument<string>("model") { Description = "NAME, NAME:VERSION, NAME:latest or NAME@ALIAS." };
        var output = new Option<string?>("--output", "-o") { Description = "Destination folder (default: ./NAME-VERSION)." };
        return new Command("download", "Copy a model version's files into a folder.").With(reference, output).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var v = ws.Models.Get(ModelRef.Parse(ctx.Get(reference)));
            var dest = Path.GetFullPath(ctx.Get(output) ?? $"{v.Name}-{v.Version}");
            ws.Models.Download(new ModelRef(v.Name, v.Version, null), dest);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { model = v.Name, version = v.Version, destination = dest, files = v.Files.Select(f => f.Path) });
            else ctx.Output.Line($"Downloaded model '{v.Name}' version {v.Version} ({v.Files.Count} file(s)) to {dest}");
            return 0;
        });
    }

    private static Command BuildDelete()
    {
        var reference = new Argument<string>("model") { Description = "NAME:VERSION (an explicit version)." };
        return new Command("delete", "Delete a model version (refused while an alias or a deployment uses it).").With(reference).Handle(ctx =>
        {
            var r = ModelRef.Parse(ctx.Get(reference));
            if (r.Version is not { } version)
                throw MlpException.Invalid($"'{ctx.Get(reference)}' does not name one version; expected NAME:VERSION, e.g. '{r.Name}:1'.");
            using var ws = ctx.OpenWorkspace();
            ws.Models.Delete(r.Name, version);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { model = r.Name, version, deleted = true });
            else ctx.Output.Line($"Deleted model '{r.Name}' version {version}.");
            return 0;
        });
    }

    /// <summary>Parses repeated <c>key=value</c> tags; a later value for the same key wins.</summary>
    internal static Dictionary<string, string> ParseTags(IEnumerable<string> tags)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            var eq = t.IndexOf('=');
            if (eq <= 0) throw MlpException.Invalid($"Invalid tag '{t}': expected key=value.");
            result[t[..eq]] = t[(eq + 1)..];
        }
        return result;
    }
}
