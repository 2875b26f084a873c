using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MlPipelines.Server.Identity;

namespace MlPipelines.Server.Tests;

/// <summary>OpenID Connect bearer tokens signed with a key generated here, checked by the real server.</summary>
public sealed class OidcTests : IDisposable
{
    private const string Issuer = "https://login.example.test/realms/team";
    private const string Audience = "mlp-server";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private readonly TempDir _dir = new();

    public void Dispose()
    {
        _key.Dispose();
        _otherKey.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Oidc_ValidTokenOfKnownUser_RolesApply_AnythingElseIs401WithTheReason()
    {
        var jwks = _dir.Combine("jwks.json");
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.ExportParameters(false)) { KeyId = "k1" });
        File.WriteAllText(jwks, JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", use = "sig", kid = "k1", alg = "RS256", n = jwk.N, e = jwk.E } } }));
        await using var server = await RunningServer.StartAsync(o => o with { Oidc = new OidcOptions { Issuer = Issuer, Audience = Audience, JwksPath = jwks } });
        using var admin = server.Client(server.AdminToken);
        await admin.Post("/api/v1/workspaces", new { name = "team" });
        await admin.Post("/api/v1/identities", new { name = "alice" });
        await admin.Post("/api/v1/workspaces/team/roleAssignments", new { principal = "alice", role = "Reader" });

        using (var alice = server.Client(Token("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/v1/workspaces/team/runs")).StatusCode);
            var denied = await alice.Post("/api/v1/workspaces/team/runs", new { experiment = "e" });
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Contains("'alice' needs action 'workspaces/experiments/runs/write'", (await denied.Json()).GetProperty("error").GetString());
        }

        foreach (var (token, why) in new[]
        {
            (Token("mallory"), "has no identity on this server"),
            (Token("alice", audience: "someone-else"), "InvalidAudience"),
            (Token("alice", issuer: "https://evil.test"), "InvalidIssuer"),
            (Token("alice", expires: DateTime.UtcNow.AddMinutes(-10)), "Expired"),
            (Token("alice", key: _otherKey), "Signature"),
            (Token("alice", claim: "email"), "no 'preferred_username' claim"),
        })
        {
            using var c = server.Client(token);
            var r = await c.GetAsync("/api/v1/workspaces/team/runs");
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            Assert.Contains(why, (await r.Json()).GetProperty("error").GetString());
        }
        Assert.Contains(server.Host.Store.Audit.List(null, 1000), e => e.Principal == "alice" && e.Outcome.ToString() == "Denied");
    }

    private string Token(string user, string issuer = Issuer, string audience = Audience, DateTime? expires = null, RSA? key = null, string claim = "preferred_username")
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim(claim, user), new Claim("sub", "sub-" + user)]),
            NotBefore = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            Expires = expires ?? DateTime.UtcNow.AddHours(1),
            IssuedAt = (expires ?? DateTime.UtcNow.AddHours(1)).AddHours(-2),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? _key) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }
}
