using System.CommandLine;
using MlPipelines.Cli.Infrastructure;
using MlPipelines.Server.Hosting;
using MlPipelines.Server.Store;

namespace MlPipelines.Cli.Commands;

/// <summary><c>mlp server</c> (run the shared workspace server) and <c>mlp server init</c>.</summary>
internal static class ServerCommands
{
    public static Command Build()
    {
        var store = new Option<string>("--store")
        {
            Description = "The server's store: sqlite:PATH, or postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=require] (metadata and every workspace's records in that database; the password may come from PGPASSWORD or ~/.pgpass instead).",
            DefaultValueFactory = _ => "sqlite:mlp-server/server.db",
        };
        var artifacts = new Option<string?>("--artifacts") { Description = $"Folder holding the workspaces' folders (default: 'workspaces' next to the SQLite store file; with PostgreSQL './{ServerOptions.DefaultPostgresDirectory}', which then also holds the dev certificate)." };
        var listen = new Option<string>("--listen") { Description = "ADDRESS:PORT to listen on.", DefaultValueFactory = _ => "127.0.0.1:8443" };
        var cert = new Option<string?>("--tls-cert") { Description = "PEM certificate to serve." };
        var key = new Option<string?>("--tls-key") { Description = "PEM private key of --tls-cert." };
        var devCert = new Option<bool>("--dev-cert") { Description = "Generate (or reuse) a self-signed certificate in the server folder (the SQLite store's folder; with PostgreSQL the --artifacts folder) and print its SHA-256 fingerprint." };
        var insecure = new Option<bool>("--insecure-http") { Description = "Serve plain HTTP; allowed only on a loopback address." };
        var oidcIssuer = new Option<string?>("--oidc-issuer") { Description = "Also accept OpenID Connect bearer tokens from this issuer (with --oidc-audience)." };
        var oidcAudience = new Option<string?>("--oidc-audience") { Description = "The audience OpenID Connect tokens must name." };
        var oidcClaim = new Option<string>("--oidc-user-claim") { Description = "The token claim that names the identity.", DefaultValueFactory = _ => "preferred_username" };
        var oidcJwks = new Option<string?>("--oidc-jwks") { Description = "The issuer's signing keys as a JSON Web Key Set file (default: discovered from the issuer over HTTPS)." };
        var datastoreRoots = new Option<string[]>("--datastore-root") { Description = "A server folder under which Data Scientists may add folder datastores (repeatable; none by default).", AllowMultipleArgumentsPerToken = false };
        var rateLimit = new Option<int>("--rate-limit") { Description = "Requests per second per API token (bursts of twice that; without a token: 10 per client address); more get 429 with Retry-After. 0 turns it off.", DefaultValueFactory = _ => 200 };

        var init = new Command("init", "Create the server store and print the one-time admin token (also done by the first 'mlp server').").With(store).Handle(ctx =>
        {
            using var s = ServerStore.Open(ServerOptions.ParseStore(ctx.Get(store)));
            var token = ServerBootstrap.EnsureOwner(s);
            if (token is null) { ctx.Output.Line($"The server store '{s.Location}' is already initialised; its admin token was shown when it was created."); return 0; }
            PrintAdminToken(token);
            return 0;
        });

        return new Command("server", "Run the shared workspace server (HTTPS, API tokens, Azure ML roles, audit); with --workspace PATH, serve that embedded workspace's MLflow API instead. See docs/server.md and docs/mlflow.md.")
            .With(store, artifacts, listen, cert, key, devCert, insecure, rateLimit, datastoreRoots, oidcIssuer, oidcAudience, oidcClaim, oidcJwks, init)
            .HandleAsync(async ctx =>
            {
                if (ctx.WorkspaceOption is { } embedded)
                {
                    if (new Option[] { store, artifacts, cert, key, devCert, insecure, rateLimit, datastoreRoots, oidcIssuer, oidcAudience, oidcClaim, oidcJwks }
                            .FirstOrDefault(o => ctx.Parse.GetResult(o) is { Implicit: false }) is { } extra)
                        throw Core.Errors.MlpException.Invalid($"{extra.Name} is an option of the shared server; with --workspace, 'mlp server' serves the MLflow API of that one embedded workspace over HTTPS with its own certificate and token (options: --listen, --format).");
                    return await EmbeddedMlflowServer.RunAsync(ctx, embedded, ctx.Get(listen));
                }
                var rate = ctx.Get(rateLimit);
                if (rate < 0) throw Core.Errors.MlpException.Invalid($"--rate-limit must be 0 (off) or a positive number of requests per second, not {rate}.");
                var options = ServerOptions.Create(ctx.Get(store), ctx.Get(artifacts), ctx.Get(listen), ctx.Get(cert), ctx.Get(key), ctx.Get(devCert), ctx.Get(insecure)) with
                {
                    RateLimitPerToken = rate,
                    DatastoreRoots = DatastoreRoots(ctx.Get(datastoreRoots) ?? []),
                    Oidc = Oidc(ctx.Get(oidcIssuer), ctx.Get(oidcAudience), ctx.Get(oidcClaim), ctx.Get(oidcJwks)),
                };
                await using var host = await ServerHost.StartAsync(options, ctx.Cancellation);
                if (host.AdminToken is { } token) PrintAdminToken(token);
                if (host.Certificate is { } c)
                {
                    Console.Out.WriteLine($"TLS certificate SHA-256 fingerprint: {DevCertificate.Fingerprint(c)}");
                    if (options.DevCert) Console.Out.WriteLine($"Clients trust it with --ca-cert {Path.Combine(options.ServerDirectory, DevCertificate.CertFile)} (or MLP_CA_CERT).");
                }
                else CliOutput.Warn("plain HTTP on loopback (--insecure-http): for local tests only.");
                Console.Out.WriteLine($"Store: {options.Store.Display}; workspaces under {options.ArtifactsDirectory}");
                Console.Out.WriteLine($"Listening on {host.Url} (Ctrl+C to stop)");
                try { await host.WaitForShutdownAsync(ctx.Cancellation); }
                catch (OperationCanceledException) { }
                return 0;
            });
    }

    private static IReadOnlyList<string> DatastoreRoots(string[] roots) => roots.Select(r =>
        Directory.Exists(r) ? Path.GetFullPath(r) : throw Core.Errors.MlpException.Invalid($"--datastore-root '{r}' is not a folder on this server.")).ToList();

    private static Server.Identity.OidcOptions? Oidc(string? issuer, string? audience, string claim, string? jwks)
    {
        if (issuer is null && audience is null && jwks is null) return null;
        if (issuer is null || audience is null) throw Core.Errors.MlpException.Invalid("--oidc-issuer and --oidc-audience go together.");
        return new Server.Identity.OidcOptions { Issuer = issuer, Audience = audience, UserClaim = claim, JwksPath = jwks is null ? null : Path.GetFullPath(jwks) };
    }

    private static void PrintAdminToken(string token)
    {
        Console.Out.WriteLine("Created user 'admin' with role Owner on the whole server.");
        Console.Out.WriteLine($"Admin token (shown once, keep it safe): {token}");
        Console.Out.WriteLine("Log in with: echo $TOKEN | mlp login https://HOST:PORT --ca-cert CERT");
    }
}
