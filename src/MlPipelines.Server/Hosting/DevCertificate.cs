using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MlPipelines.Server.Hosting;

/// <summary>
/// A self-signed ECDSA P-256 certificate for <c>--dev-cert</c>, valid for localhost, the loopback addresses and this
/// machine's name, kept as PEM (0600) in the server folder and reused until it is a week from expiry.
/// </summary>
public static class DevCertificate
{
    /// <summary>File name of the certificate in the server folder.</summary>
    public const string CertFile = "dev-cert.pem";
    /// <summary>File name of the private key in the server folder.</summary>
    public const string KeyFile = "dev-key.pem";

    /// <summary>Loads the certificate from <paramref name="folder"/>, creating it when missing or about to expire.</summary>
    public static X509Certificate2 LoadOrCreate(string folder, TimeProvider? time = null)
    {
        var now = (time ?? TimeProvider.System).GetUtcNow();
        var certPath = Path.Combine(folder, CertFile);
        var keyPath = Path.Combine(folder, KeyFile);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (existing.NotAfter.ToUniversalTime() > now.UtcDateTime.AddDays(7)) return existing;
            existing.Dispose();
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mlp server (development)", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddDnsName(Environment.MachineName.ToLowerInvariant());
        san.AddIpAddress(IPAddress.Loopback);
        san.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(1));
        Directory.CreateDirectory(folder);
        WritePrivate(certPath, cert.ExportCertificatePem());
        WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem());
        return X509Certificate2.CreateFromPemFile(certPath, keyPath);
    }

    /// <summary>The SHA-256 fingerprint as colon-separated hex, as <c>openssl x509 -fingerprint -sha256</c> prints it.</summary>
    public static string Fingerprint(X509Certificate2 cert) =>
        string.Join(':', cert.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2")));

    private static void WritePrivate(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}
