using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using MlPipelines.Server.Api;

namespace MlPipelines.Server.Hosting;

/// <summary>
/// Per-token request limits: a token bucket per bearer token (keyed by a hash of the header, never the token itself),
/// and a much smaller one per client address for requests without a token — those are audited, so an unlimited stream
/// of them would grow the audit log without bound. Over the limit: 429 with <c>Retry-After</c> and the JSON error body,
/// before authentication and auditing run.
/// </summary>
internal static class TokenRateLimits
{
    /// <summary>Requests per second allowed without a bearer token, per client address.</summary>
    public const int AnonymousPerSecond = 10;

    public static void Configure(RateLimiterOptions o, int perTokenPerSecond)
    {
        o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var header = context.Request.Headers.Authorization.ToString();
            // MLflow's multipart part URLs carry no bearer token: one bucket per upload, as large as a token's.
            if (context.GetEndpoint()?.Metadata.GetMetadata<Mlflow.MlflowPresignedUrl>() is not null)
                return RateLimitPartition.GetTokenBucketLimiter("upload:" + context.Request.RouteValues["uploadId"], _ => Bucket(perTokenPerSecond));
            if (header.Length == 0)
                return RateLimitPartition.GetTokenBucketLimiter("ip:" + context.Connection.RemoteIpAddress, _ => Bucket(AnonymousPerSecond));
            var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(header)), 0, 16);
            return RateLimitPartition.GetTokenBucketLimiter("token:" + key, _ => Bucket(perTokenPerSecond));
        });
        o.OnRejected = async (rejected, ct) =>
        {
            var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
            rejected.HttpContext.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
            await ErrorResponses.Write(rejected.HttpContext, StatusCodes.Status429TooManyRequests,
                $"Too many requests: the limit is {(rejected.HttpContext.Request.Headers.Authorization.Count == 0 ? AnonymousPerSecond : perTokenPerSecond)} per second per token (without a token: per client address); retry after {retry} s.");
        };
    }

    // Bursts of up to two seconds' worth are fine (a client flushing its batches); no queueing: a refused request is answered at once.
    private static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond * 2,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
