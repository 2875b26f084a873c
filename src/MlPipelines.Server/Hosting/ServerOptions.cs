using System.Net;
using MlPipelines.Core.Errors;
using MlPipelines.Server.Store;

namespace MlPipelines.Server.Hosting;

/// <summary>How <c>mlp server</c> runs: where its store and workspaces are, where it listens and with which certificate.</summary>
public sealed record ServerOptions
{
    /// <summary>The folder used with a PostgreSQL store when <c>--artifacts</c> is not given (relative to the current directory).</summary>
    public const string DefaultPostgresDirectory = "mlp-server";

    /// <summary>The server's own metadata store: a SQLite file, or a PostgreSQL database that also holds the workspaces' records.</summary>
    public required ServerStoreAddress Store { get; init; }
    /// <summary>The folder holding one sub-folder per hosted workspace (with PostgreSQL: the workspaces' files).</summary>
    public required string ArtifactsDirectory { get; init; }
    /// <summary>Address and port to listen on (port 0 picks a free one).</summary>
    public required IPEndPoint Listen { get; init; }
    /// <summary>PEM certificate and key, when not using a development certificate.</summary>
    public string? TlsCertPath { get; init; }
    /// <summary>PEM private key of <see cref="TlsCertPath"/>.</summary>
    public string? TlsKeyPath { get; init; }
    /// <summary>Generate (or reuse) a self-signed certificate under the server folder.</summary>
    public bool DevCert { get; init; }
    /// <summary>Plain HTTP (loopback only).</summary>
    public bool InsecureHttp { get; init; }
    /// <summary>Largest accepted request body; larger bodies get 413.</summary>
    public long MaxRequestBodyBytes { get; init; } = 16 * 1024 * 1024;
    /// <summary>
    /// Largest body of one blob PUT or upload chunk; these routes raise their own request limit to this (the body is
    /// streamed to disk, never held in memory). Larger blobs go up through upload sessions in chunks.
    /// </summary>
    public long MaxUploadChunkBytes { get; init; } = 64 * 1024 * 1024;
    /// <summary>An upload session not written to for this long is deleted (with its part file).</summary>
    public TimeSpan UploadSessionLifetime { get; init; } = TimeSpan.FromHours(24);
    /// <summary>
    /// Folders under which workspaces may add datastores (a datastore is a folder the server reads, so it must be
    /// allowed here). Empty: no datastore can be added through the API.
    /// </summary>
    public IReadOnlyList<string> DatastoreRoots { get; init; } = [];
    /// <summary>Most metric points accepted in one batch; more get 400 naming the limit.</summary>
    public int MaxPointsPerBatch { get; init; } = 10_000;
    /// <summary>Requests per second per API token (bursts of twice that); more get 429 with Retry-After. 0 turns the limit off.</summary>
    public int RateLimitPerToken { get; init; } = 200;
    /// <summary>Also accept OpenID Connect bearer tokens from this issuer (null: API tokens only).</summary>
    public Identity.OidcOptions? Oidc { get; init; }

    /// <summary>
    /// Where the dev certificate and other server files live: the folder of the SQLite store file, or with PostgreSQL
    /// (no file of its own) the artifacts folder.
    /// </summary>
    public string ServerDirectory => Store is SqliteStoreAddress sqlite ? Path.GetDirectoryName(sqlite.Path)! : ArtifactsDirectory;

    /// <summary>Parses and validates command-line values; every problem is an InvalidInput that says why.</summary>
    public static ServerOptions Create(string store, string? artifacts, string listen, string? tlsCert, string? tlsKey, bool devCert, bool insecureHttp)
    {
        var address = ParseStore(store);
        var endpoint = ParseListen(listen);
        if (insecureHttp && !IPAddress.IsLoopback(endpoint.Address))
            throw MlpException.Invalid($"--insecure-http is allowed only on a loopback address (127.0.0.1 or ::1), not '{listen}': tokens would cross the network in clear text. Use --tls-cert/--tls-key or --dev-cert.");
        var tlsChoices = new[] { tlsCert is not null || tlsKey is not null, devCert, insecureHttp }.Count(b => b);
        if (tlsChoices > 1) throw MlpException.Invalid("Choose one of --tls-cert/--tls-key, --dev-cert or --insecure-http.");
        if (tlsChoices == 0) throw MlpException.Invalid("The server speaks HTTPS: give --tls-cert cert.pem --tls-key key.pem, or --dev-cert for a generated self-signed certificate (or --insecure-http on loopback).");
        if ((tlsCert is null) != (tlsKey is null)) throw MlpException.Invalid("--tls-cert and --tls-key go together.");
        foreach (var f in new[] { tlsCert, tlsKey })
            if (f is not null && !File.Exists(f)) throw MlpException.Invalid($"TLS file '{f}' does not exist.");
        return new ServerOptions
        {
            Store = address,
            ArtifactsDirectory = Path.GetFullPath(artifacts ?? (address is SqliteStoreAddress sqlite
                ? Path.Combine(Path.GetDirectoryName(sqlite.Path)!, "workspaces")
                : DefaultPostgresDirectory)),
            Listen = endpoint,
            TlsCertPath = tlsCert is null ? null : Path.GetFullPath(tlsCert),
            TlsKeyPath = tlsKey is null ? null : Path.GetFullPath(tlsKey),
            DevCert = devCert,
            InsecureHttp = insecureHttp,
        };
    }

    /// <summary>
    /// Parses <c>sqlite:PATH</c> or <c>postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?sslmode=…]</c> (also
    /// <c>postgres://</c>); anything else is InvalidInput naming both forms. Messages never show the password.
    /// </summary>
    public static ServerStoreAddress ParseStore(string store)
    {
        if (store.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) && store.Length > "sqlite:".Length)
            return new SqliteStoreAddress(Path.GetFullPath(store["sqlite:".Length..]));
        if (store.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || store.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
            return PostgresStoreAddress.Parse(store);
        throw MlpException.Invalid($"--store '{PostgresStoreAddress.Redact(store)}' is not valid; use sqlite:PATH (e.g. sqlite:/var/lib/mlp/server.db) " +
            "or postgresql://USER:PASSWORD@HOST:PORT/DATABASE.");
    }

    /// <summary>Parses <c>HOST:PORT</c> with an IP address (IPv6 in brackets).</summary>
    public static IPEndPoint ParseListen(string listen)
    {
        if (IPEndPoint.TryParse(listen, out var ep) && listen.Contains(':') && (ep.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || listen.StartsWith('[')))
            return ep;
        if (listen.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) && int.TryParse(listen["localhost:".Length..], out var port) && port is >= 0 and <= 65535)
            return new IPEndPoint(IPAddress.Loopback, port);
        throw MlpException.Invalid($"--listen '{listen}' is not valid; use ADDRESS:PORT such as 127.0.0.1:8443, 0.0.0.0:8443 or [::1]:8443.");
    }
}
