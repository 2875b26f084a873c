using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Containers;
using MlPipelines.Core.Environments;
using MlPipelines.Core.Errors;
using MlPipelines.Environments;
using MlPipelines.Pipelines.Compiler;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp environment create|list|show|build|delete</c>: environment versions of the workspace.</summary>
internal static class EnvironmentCommands
{
    private const string Where = "Relative paths are resolved in the current folder (the folder steps run in), and must stay inside it.";

    public static Command Build() => new Command("environment",
            "Environments steps run with: curated (shipped), system-managed (base image + packages) and user-managed (your Dockerfile or image), " +
            "versioned by content hash and built once per version through the Docker engine at DOCKER_HOST.")
        .With(BuildCreate(), BuildList(), BuildShow(), BuildBuild(), BuildDelete());

    private static Command BuildCreate()
    {
        var name = new Argument<string?>("name") { Description = "The environment's name (optional with --file when the file has 'name').", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file", "-f") { Description = "A YAML file shaped like Azure ML's environment YAML (image, conda_file, build.path/dockerfile_path; plus pip, apt, variables)." };
        var image = new Option<string?>("--image") { Description = "User-managed: run steps in this image as it is." };
        var baseImage = new Option<string?>("--base") { Description = "System-managed: the base image the packages are installed on." };
        var pip = new Option<string[]>("--pip") { Description = "System-managed: a pip package spec (repeatable)." };
        var apt = new Option<string[]>("--apt") { Description = "System-managed: an apt package (repeatable)." };
        var conda = new Option<string?>("--conda") { Description = "System-managed: a conda environment file." };
        var variable = new Option<string[]>("--variable") { Description = "System-managed: an environment variable NAME=VALUE of the image (repeatable)." };
        var dockerfile = new Option<string?>("--dockerfile") { Description = "User-managed: a Dockerfile to build." };
        var context = new Option<string?>("--context") { Description = "User-managed: the build context folder (default: the Dockerfile's folder)." };
        return new Command("create", "Record an environment version in the workspace (steps may then name it). " + Where)
            .With(name, file, image, baseImage, pip, apt, conda, variable, dockerfile, context).Handle(ctx =>
        {
            var cwd = Directory.GetCurrentDirectory();
            EnvironmentFile env;
            var flags = ctx.Get(image) is not null || ctx.Get(baseImage) is not null || ctx.Get(dockerfile) is not null;
            if (ctx.Get(file) is { } path)
            {
                if (flags) throw MlpException.Invalid("Give the definition either in --file or with flags, not both.");
                env = EnvironmentYaml.Read(path, cwd, ctx.Get(name));
            }
            else
            {
                var envName = ctx.Get(name) ?? throw MlpException.Invalid("Give the environment's NAME (or --file with a 'name').");
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                void Put(string key, string? value) { if (value is { Length: > 0 }) fields[key] = value; }
                string kind;
                if (ctx.Get(baseImage) is { } b)
                {
                    kind = EnvironmentSpec.SystemManaged;
                    Put("base", b);
                    Put("pip", string.Join(",", (ctx.Get(pip) ?? []).Order(StringComparer.Ordinal)));
                    Put("apt", string.Join(",", (ctx.Get(apt) ?? []).Order(StringComparer.Ordinal)));
                    Put("conda", ctx.Get(conda));
                    Put("variables", string.Join(",", (ctx.Get(variable) ?? []).Order(StringComparer.Ordinal)));
                    Put("image", ctx.Get(image));
                    Put("dockerfile", ctx.Get(dockerfile));
                }
                else
                {
                    if (ctx.Get(pip) is { Length: > 0 } || ctx.Get(apt) is { Length: > 0 } || ctx.Get(conda) is not null || ctx.Get(variable) is { Length: > 0 })
                        throw MlpException.Invalid("--pip, --apt, --conda and --variable install on a base image: give --base.");
                    kind = EnvironmentSpec.UserManaged;
                    Put("image", ctx.Get(image));
                    Put("dockerfile", ctx.Get(dockerfile));
                    Put("context", ctx.Get(context));
                }
                Core.Naming.Names.Validate("environment", envName);
                env = new EnvironmentFile(envName, kind, EnvironmentSpec.Validate(envName, kind, fields));
            }
            if (EnvironmentCatalog.Curated.ContainsKey(env.Name))
                throw MlpException.Conflict($"'{env.Name}' is a curated environment; give yours another name.");
            using var ws = ctx.OpenWorkspace();
            var service = new EnvironmentService(ws);
            var rendered = service.Render(env.Name, env.Kind, env.Definition, cwd);
            foreach (var w in rendered.Warnings) CliOutput.Warn(w);
            var existing = ws.Environments.Find(rendered.Version);
            var record = existing ?? new EnvironmentRecord
            {
                Hash = rendered.Version, Name = env.Name, Kind = env.Kind, Image = rendered.Image, State = "defined", CreatedAt = DateTimeOffset.UtcNow,
                Definition = new SortedDictionary<string, string>(env.Definition.ToDictionary(), StringComparer.Ordinal),
            };
            if (existing is null) ws.Environments.Save(record);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { environment = record, reused = existing is not null });
            else ctx.Output.Line($"{(existing is null ? "Recorded" : "Already recorded:")} environment '{record.Name}' version {record.Hash[..12]} ({record.Kind}, image {record.Image}).");
            return 0;
        });
    }

    private static Command BuildList() => new Command("list", "List the curated environments and the versions recorded in the workspace, newest first.").Handle(ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var recorded = ws.Environments.List();
        var service = new EnvironmentService(ws);
        var curated = EnvironmentCatalog.Curated.Keys.Select(EnvironmentCatalog.ForCurated).Select(c =>
        {
            var rendered = service.Render(c.Name, c.Kind, c.Definition, Directory.GetCurrentDirectory());
            return new EnvironmentRecord { Hash = rendered.Version, Name = c.Name, Kind = c.Kind, Definition = c.Definition, Image = rendered.Image, State = "shipped" };
        });
        var all = recorded.Concat(curated.Where(c => recorded.All(r => r.Name != c.Name))).ToList();
        if (ctx.Output.IsJson) { ctx.Output.JsonValue(all); return 0; }
        ctx.Output.List(all,
            ("Name", e => e.Name), ("Version", e => e.Hash[..12]), ("Kind", e => e.Kind), ("State", e => e.State), ("Image", e => e.Image),
            ("Build time", e => CliOutput.Format(e.BuildTime)), ("Created", e => e.CreatedAt == default ? "" : CliOutput.Format(e.CreatedAt)));
        return 0;
    });

    /// <summary>The kind and definition of a recorded or curated environment (NotFound listing them otherwise).</summary>
    internal static (string Name, string Kind, IReadOnlyDictionary<string, string> Definition) Definition(Core.Workspaces.IWorkspace ws, string nameOrHash)
    {
        var (name, kind, definition, _) = Resolve(ws, nameOrHash);
        return (name, kind, definition);
    }

    /// <summary>A recorded version by name or hash, else a curated environment; NotFound listing both.</summary>
    private static (string Name, string Kind, IReadOnlyDictionary<string, string> Definition, EnvironmentRecord? Record) Resolve(Core.Workspaces.IWorkspace ws, string nameOrHash)
    {
        if (ws.Environments.Find(nameOrHash) is { } r) return (r.Name, r.Kind, r.Definition, r);
        if (EnvironmentCatalog.Curated.ContainsKey(nameOrHash))
        {
            var c = EnvironmentCatalog.ForCurated(nameOrHash);
            return (c.Name, c.Kind, c.Definition, null);
        }
        throw MlpException.NotFound("environment", nameOrHash, ws.Environments.List().Select(e => e.Name).Concat(EnvironmentCatalog.Curated.Keys).Distinct());
    }

    private static Command BuildShow()
    {
        var which = new Argument<string>("environment") { Description = "NAME (its newest version), a version hash or a unique prefix of 8+ characters, or a curated name." };
        return new Command("show", "Show an environment version: its definition, image, build state and the Dockerfile it builds from. " + Where).With(which).Handle(ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var (name, kind, definition, record) = Resolve(ws, ctx.Get(which));
            var rendered = new EnvironmentService(ws).Render(name, kind, definition, Directory.GetCurrentDirectory());
            var dockerfile = rendered.Files.FirstOrDefault(f => f.RelativePath == "Dockerfile")?.Text;
            if (ctx.Output.IsJson)
            {
                ctx.Output.JsonValue(new { name, kind, definition, version = rendered.Version, image = rendered.Image, record, dockerfile, files = rendered.Files.Select(f => f.RelativePath) });
                return 0;
            }
            ctx.Output.Item(rendered, new (string, string?)[]
            {
                ("Name", name), ("Kind", kind), ("Version", rendered.Version), ("Image", rendered.Image),
                ("State", record?.State ?? (kind == EnvironmentSpec.Curated ? "shipped (not built here yet)" : "not recorded")),
                ("Image id", record?.ImageId), ("Build time", CliOutput.Format(record?.BuildTime)), ("Built", CliOutput.Format(record?.BuiltAt)),
            }.Concat(definition.Select(d => ("  " + d.Key, (string?)d.Value))));
            if (record is not null && record.Hash != rendered.Version)
                CliOutput.Warn($"the files it builds from changed since version {record.Hash[..12]} was recorded; building now makes version {rendered.Version[..12]}");
            if (dockerfile is not null) ctx.Output.Line("\nDockerfile:\n" + dockerfile.TrimEnd());
            return 0;
        });
    }

    private static Command BuildBuild()
    {
        var which = new Argument<string>("environment") { Description = "NAME, version hash (prefix) or curated name." };
        var force = new Option<bool>("--force") { Description = "Build even when the engine already has this version's image." };
        return new Command("build", "Build an environment's image through the Docker engine (once per version; an image reference is only recorded). " + Where)
            .With(which, force).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var (name, kind, definition, _) = Resolve(ws, ctx.Get(which));
            var progress = ctx.Output.IsJson ? Console.Error : Console.Out;
            var record = await new EnvironmentService(ws).BuildAsync(name, kind, definition, Directory.GetCurrentDirectory(),
                line => { lock (progress) progress.WriteLine(line); }, ctx.Get(force), ctx.Cancellation);
            if (ctx.Output.IsJson) ctx.Output.JsonValue(record);
            else ctx.Output.Line($"Environment '{record.Name}' version {record.Hash[..12]}: {record.State} ({record.Image}{(record.ImageId is null ? "" : ", " + record.ImageId[..Math.Min(19, record.ImageId.Length)])}).");
            return 0;
        });
    }

    private static Command BuildDelete()
    {
        var which = new Argument<string>("environment") { Description = "NAME (every version) or a version hash (one)." };
        var image = new Option<bool>("--image") { Description = "Also remove the built images from the Docker engine." };
        return new Command("delete", "Forget environment versions (runs that used them keep the version in their tags).").With(which, image).HandleAsync(async ctx =>
        {
            using var ws = ctx.OpenWorkspace();
            var key = ctx.Get(which);
            var victims = ws.Environments.List().Where(e => e.Name == key || e.Hash == key || (key.Length >= 8 && e.Hash.StartsWith(key, StringComparison.Ordinal))).ToList();
            if (victims.Count == 0)
                throw MlpException.NotFound("environment", key, ws.Environments.List().Select(e => e.Name).Distinct());
            var removed = victims.Sum(v => ws.Environments.Delete(v.Hash));
            var images = new List<string>();
            if (ctx.Get(image))
            {
                using var engine = new DockerEngineClient(DockerEndpoint.FromEnvironment());
                foreach (var v in victims.Where(v => v.State == "built" && (v.Kind != EnvironmentSpec.UserManaged || v.Definition.ContainsKey("dockerfile"))))
                {
                    if (await engine.InspectImageAsync(v.Image, ctx.Cancellation) is null) continue;
                    await engine.RemoveImageAsync(v.Image, ctx.Cancellation);
                    images.Add(v.Image);
                }
            }
            if (ctx.Output.IsJson) ctx.Output.JsonValue(new { deleted = removed, images });
            else ctx.Output.Line($"Forgot {removed} version(s) of '{key}'{(images.Count > 0 ? $"; removed {string.Join(", ", images)}" : "")}.");
            return 0;
        });
    }
}
