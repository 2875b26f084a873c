using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Containers;
using MlPipelines.Core.Errors;
using MlPipelines.Core.Images;
using MlPipelines.Core.Registry;
using MlPipelines.Images;
using Spectre.Console;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp image render|build|list</c>: scoring images of registered models.</summary>
internal static class ImageCommands
{
    private const string ModelHelp = "NAME, NAME:VERSION, NAME:latest or NAME@ALIAS of a registered model.";

    public static Command Build() => new Command("image", "Render, build, push and list scoring images of registered models.")
        .With(BuildRender(), BuildBuild(), BuildList());

    private static Option<string?> BaseImageOption() => new("--base-image")
    {
        Description = $"Base image (default: workspace setting {ImageService.DotnetBaseSetting} / {ImageService.PythonBaseSetting}, else the official ASP.NET or Python slim image).",
    };

    private static Option<string?> TemplatesOption() => new("--templates")
    {
        Description = "Folder whose files override the built-in templates (default: ./templates when it exists).",
    };

    private static Command BuildRender()
    {
        var model = new Argument<string>("model") { Description = ModelHelp };
        var output = new Option<string>("--output", "-o") { Description = "Folder to render the build context into (empty, or an earlier context).", Required = true };
        var baseImage = BaseImageOption();
        var templates = TemplatesOption();
        return new Command("render", "Render the Docker build context of a model's scoring image (Dockerfile, host, scorer, model, image.json).")
            .With(model, output, baseImage, templates).Handle(ctx =>
        {
            var reference = ModelRef.Parse(ctx.Get(model));
            using var ws = ctx.OpenWorkspace();
            var rendered = new ImageService(ws).Render(reference, new ImageOptions
            {
                OutputDirectory = ctx.Get(output), BaseImage = ctx.Get(baseImage), TemplatesDirectory = Templates(ctx.Get(templates)),
            });
            if (ctx.Output.IsJson)
                ctx.Output.JsonValue(new
                {
                    model = rendered.ModelName, version = rendered.ModelVersion, tag = rendered.Tag, contextHash = rendered.ContextHash,
                    baseImage = rendered.BaseImage, directory = rendered.Directory, files = rendered.Files.Count,
                });
            else ctx.Output.Line($"Rendered {rendered.ModelName}:{rendered.ModelVersion} into {rendered.Directory} ({rendered.Files.Count} files, tag {rendered.Tag}, base {rendered.BaseImage}).");
            return 0;
        });
    }

    private static Command BuildBuild()
    {
        var models = new Argument<string[]>("model") { Description = ModelHelp + " Several may be given.", Arity = ArgumentArity.OneOrMore };
        var push = new Option<string?>("--push") { Description = "Push to this REGISTRY/REPO after building, e.g. localhost:5000/iris (tag: the context hash)." };
        var user = new Option<string?>("--registry-user") { Description = "Registry user name (default: the Docker config file's credentials)." };
        var passwordStdin = new Option<bool>("--registry-password-stdin") { Description = "Read the registry password or token from standard input." };
        var baseImage = BaseImageOption();
        var templates = TemplatesOption();
        return new Command("build", "Render and build models' scoring images through the Docker Engine at DOCKER_HOST, optionally pushing them. " +
                "An unchanged model is not rebuilt; without an engine the context is rendered and recorded (exit 0).")
            .With(models, push, user, passwordStdin, baseImage, templates).HandleAsync(async ctx =>
        {
            var references = ctx.Get(models).Select(ModelRef.Parse).ToList();
            var credentials = Credentials(ctx.Get(user), ctx.Get(passwordStdin));
            if (ctx.Get(push) is { } repo) ImageReference.ParseRepository(repo);
            using var ws = ctx.OpenWorkspace();
            foreach (var r in references) ws.Models.Get(r); // every reference resolves before anything is built
            var service = new ImageService(ws);
            var options = new ImageOptions
            {
                PushRepository = ctx.Get(push), Credentials = credentials, BaseImage = ctx.Get(baseImage), TemplatesDirectory = Templates(ctx.Get(templates)),
            };
            var results = new List<ImageResult>();
            foreach (var reference in references)
            {
                var result = await WithProgressAsync(ctx, $"Building {reference}", p => service.BuildAsync(reference, options, p, ctx.Cancellation));
                results.Add(result);
                if (!ctx.Output.IsJson) Console.Out.WriteLine(result.Message);
            }
            if (ctx.Output.IsJson)
                ctx.Output.JsonValue(results.Select(r => new
                {
                    model = r.Record.Model, version = r.Record.ModelVersion, tag = r.Record.Tag, localTag = r.Context.Tag, state = r.Record.State,
                    outcome = r.Outcome.ToString().ToLowerInvariant(), pushed = r.Pushed, digest = r.Record.Digest,
                    contextHash = r.Context.ContextHash, contextPath = r.Context.Directory, message = r.Message,
                }));
            return 0;
        });
    }

    private static Command BuildList() => new Command("list", "List the images recorded in the workspace, newest first.").Handle(ctx =>
    {
        using var ws = ctx.OpenWorkspace();
        var images = ws.Images.List();
        if (ctx.Output.IsJson) { ctx.Output.JsonValue(images); return 0; }
        ctx.Output.List(images,
            ("Tag", i => i.Tag), ("Digest", i => Short(i.Digest)), ("Model", i => $"{i.Model}:{i.ModelVersion}"), ("Base image", i => i.BaseImage),
            ("Size", i => i.SizeBytes is { } s ? CliOutput.Size(s) : ""), ("Build time", i => CliOutput.Format(i.BuildTime)),
            ("State", i => i.State));
        return 0;
    });

    /// <summary>Runs a build with progress: a live status line on a terminal, plain lines when redirected, in CI or with --format json (to stderr).</summary>
    private static async Task<ImageResult> WithProgressAsync(CliContext ctx, string title, Func<Action<string>, Task<ImageResult>> build)
    {
        var plain = Console.IsOutputRedirected || ctx.Output.IsJson || Environment.GetEnvironmentVariable("CI") is "true" or "1";
        if (plain)
        {
            var writer = ctx.Output.IsJson ? Console.Error : Console.Out;
            return await build(line => { lock (writer) writer.WriteLine(line); });
        }
        return await AnsiConsole.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(title), async status =>
            await build(line =>
            {
                // Dockerfile steps and push results stay on screen; everything else only updates the status line.
                if (line.StartsWith("Step ", StringComparison.Ordinal) || line.StartsWith("rendered ", StringComparison.Ordinal) || line.Contains("up to date", StringComparison.Ordinal))
                    AnsiConsole.MarkupLine("[grey]" + Markup.Escape(line) + "[/]");
                status.Status(Markup.Escape(title + ": " + (line.Length > 100 ? line[..100] + "…" : line)));
            }));
    }

    private static RegistryCredentials? Credentials(string? user, bool passwordStdin)
    {
        if (!passwordStdin) return user is null ? null : throw MlpException.Invalid("--registry-user needs --registry-password-stdin (the password is read from standard input).");
        if (user is null) throw MlpException.Invalid("--registry-password-stdin needs --registry-user.");
        var password = Console.In.ReadToEnd().TrimEnd('\r', '\n');
        if (password.Length == 0) throw MlpException.Invalid("--registry-password-stdin read an empty password from standard input.");
        return new RegistryCredentials(user, password);
    }

    private static string? Templates(string? option)
    {
        if (option is not null)
            return Directory.Exists(option) ? option : throw MlpException.Invalid($"The templates folder '{option}' does not exist.");
        var local = Path.Combine(Environment.CurrentDirectory, "templates");
        return Directory.Exists(local) ? local : null;
    }

    private static string? Short(string? digest) => digest is null ? null : digest.StartsWith("sha256:", StringComparison.Ordinal) && digest.Length > 19 ? digest[7..19] : digest;
}
