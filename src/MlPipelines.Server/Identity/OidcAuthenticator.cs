using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using MlPipelines.Core.Errors;

namespace MlPipelines.Server.Identity;

/// <summary>Validates OpenID Connect bearer tokens (signature, issuer, audience, lifetime) and reads the user's name.</summary>
public sealed class OidcAuthenticator
{
    private readonly OidcOptions _options;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _discovery;

    /// <summary>Loads the key set file, or prepares discovery of the issuer's keys.</summary>
    public OidcAuthenticator(OidcOptions options)
    {
        _options = options;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = options.Issuer,
            ValidAudience = options.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromMinutes(1),
        };
        if (options.JwksPath is { } path)
        {
            if (!File.Exists(path)) throw MlpException.Invalid($"--oidc-jwks '{path}' does not exist; expected the issuer's JSON Web Key Set file.");
            try { _parameters.IssuerSigningKeys = new JsonWebKeySet(File.ReadAllText(path)).GetSigningKeys(); }
            catch (ArgumentException e) { throw MlpException.Invalid($"--oidc-jwks '{path}' is not a JSON Web Key Set: {e.Message}"); }
            if (_parameters.IssuerSigningKeys.Count() == 0) throw MlpException.Invalid($"--oidc-jwks '{path}' holds no signing keys.");
        }
        else
        {
            if (!options.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                throw MlpException.Invalid($"--oidc-issuer '{options.Issuer}' must be an https:// URL to discover its keys (or give --oidc-jwks FILE).");
            _discovery = new ConfigurationManager<OpenIdConnectConfiguration>(
                options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
        }
    }

    /// <summary>True when <paramref name="token"/> looks like a JWT (three base64url parts) rather than an API token.</summary>
    public static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2 && !token.StartsWith(ApiTokens.Prefix, StringComparison.Ordinal);

    /// <summary>The user name claimed by a valid token, or the reason it is not valid.</summary>
    public async Task<(string? User, string? Subject, string? Failure)> ValidateAsync(string token, CancellationToken ct = default)
    {
        var parameters = _parameters;
        if (_discovery is not null)
        {
            var config = await _discovery.GetConfigurationAsync(ct);
            parameters = _parameters.Clone();
            parameters.IssuerSigningKeys = config.SigningKeys;
        }
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid) return (null, null, $"OpenID Connect token refused: {result.Exception?.GetType().Name.Replace("SecurityToken", "").Replace("Exception", "") ?? "invalid"}");
        var user = result.Claims.TryGetValue(_options.UserClaim, out var v) ? v?.ToString() : null;
        if (string.IsNullOrEmpty(user)) return (null, null, $"OpenID Connect token has no '{_options.UserClaim}' claim (the claim that names the user).");
        var subject = result.Claims.TryGetValue("sub", out var s) ? s?.ToString() : null;
        return (user, subject, null);
    }
}
