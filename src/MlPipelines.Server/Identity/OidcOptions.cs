namespace MlPipelines.Server.Identity;

/// <summary>
/// Accepting OpenID Connect bearer tokens (JWTs) besides the server's own API tokens. A token must be signed by the
/// issuer, name this server in its audience, be within its lifetime, and carry <see cref="UserClaim"/>; that value is
/// the name of an identity created on this server (<c>mlp identity create NAME</c>), whose roles then apply.
/// </summary>
public sealed record OidcOptions
{
    /// <summary>The issuer (<c>iss</c>), e.g. <c>https://login.example.com/realms/team</c>.</summary>
    public required string Issuer { get; init; }
    /// <summary>The audience (<c>aud</c>) tokens must name.</summary>
    public required string Audience { get; init; }
    /// <summary>The claim whose value is the identity's name (default <c>preferred_username</c>).</summary>
    public string UserClaim { get; init; } = "preferred_username";
    /// <summary>
    /// A JSON Web Key Set file with the issuer's signing keys. Without it the keys come from the issuer's discovery
    /// document (<c>ISSUER/.well-known/openid-configuration</c>, HTTPS only) and are refreshed as the issuer rotates them.
    /// </summary>
    public string? JwksPath { get; init; }
}

/// <summary>The ways besides API tokens that this server accepts a caller (registered once in the host).</summary>
/// <param name="Oidc">OpenID Connect bearer tokens, when configured.</param>
public sealed record SignInMethods(OidcAuthenticator? Oidc);
