using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MlPipelines.Workspace.Remote;

/// <summary>Client-side trust for a server whose certificate is not in the system store (<c>--ca-cert</c>, <c>MLP_CA_CERT</c>).</summary>
public static class ServerTrust
{
    /// <summary>
    /// An HTTP handler that trusts the system store, plus chains ending in the PEM certificate at <paramref name="caCertPath"/>,
    /// plus that exact certificate when the server presents it (a self-signed development certificate is its own root).
    /// </summary>
    public static SocketsHttpHandler CreateHandler(string? caCertPath)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (caCertPath is null) return handler;
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caCertPath));
        handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (cert is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            var presented = cert as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(cert.GetRawCertData());
            if (presented.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span)) return true;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(presented);
        };
        return handler;
    }
}
