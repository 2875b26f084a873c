using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using MlPipelines.Scoring.Hosting;

namespace MlPipelines.Serving.Http;

/// <summary>Checks the router's <see cref="ScoringHostCommandLine.InstanceSecretHeader"/> in constant time. The secret is
/// never logged.</summary>
internal sealed class InstanceSecretCheck(string secret)
{
    private readonly byte[] _secret = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public bool Matches(HttpRequest request)
    {
        var given = request.Headers[ScoringHostCommandLine.InstanceSecretHeader];
        if (given.Count != 1 || string.IsNullOrEmpty(given[0])) return false;
        // Hashing first makes both sides the same length, so the comparison time says nothing about the secret.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given[0]!)), _secret);
    }
}
