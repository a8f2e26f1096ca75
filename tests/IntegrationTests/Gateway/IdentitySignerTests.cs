using Microsoft.Extensions.Options;
using Platform.Gateway.Auth;
using Platform.ServiceDefaults.Identity;

namespace Platform.IntegrationTests.Gateway;

/// <summary>
/// The gateway's allocation-free signer must produce exactly what services verify with <see cref="GatewaySignature"/>,
/// and its memo must never hand out a signature made for another request.
/// </summary>
[Parallelizable(ParallelScope.All)]
public sealed class IdentitySignerTests
{
    private const string Secret = "a-test-signing-secret-of-at-least-32-characters";

    private static readonly VerifiedKey Key = new(Guid.NewGuid(), Guid.NewGuid(), ["analyzer", "ops"], null, null);

    [TestCase("GET", "/api/v1/analyzer/sessions")]
    [TestCase("post", "/api/v1/analyzer/analyses")]
    [TestCase("DELETE", "/api/v1/chatbot/documents/ärger ünd späß/€")]
    [TestCase("PUT", "/")]
    public void Compute_IsGatewaySignatures(string method, string path)
    {
        var signer = Signer();
        var reference = new GatewaySignature(Secret);
        var longPath = path + new string('x', 3000); // past the stack buffer: the pooled one

        Assert.Multiple(() =>
        {
            Assert.That(signer.Compute(method, path, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000"),
                Is.EqualTo(reference.Compute(method, path, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000")));
            Assert.That(signer.Compute(method, longPath, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000"),
                Is.EqualTo(reference.Compute(method, longPath, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000")));
            Assert.That(reference.Verify(method, path, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000",
                signer.Compute(method, path, Key.OrgIdText, Key.KeyIdText, Key.ScopeHeader, "1764000000")), Is.True);
        });
    }

    [Test]
    public void Sign_ReusesASignatureOnlyForTheSameMethodPathAndSecond()
    {
        var signer = Signer();
        var key = Key with { };
        var now = signer.Now();
        var reference = new GatewaySignature(Secret);
        string Expected(string method, string path, string timestamp) =>
            reference.Compute(method, path, key.OrgIdText, key.KeyIdText, key.ScopeHeader, timestamp);

        var first = signer.Sign(key, "GET", "/api/v1/analyzer/a", now);
        var repeated = signer.Sign(key, "GET", "/api/v1/analyzer/a", now);
        var otherPath = signer.Sign(key, "GET", "/api/v1/analyzer/b", now);
        var otherMethod = signer.Sign(key, "POST", "/api/v1/analyzer/b", now);
        var otherSecond = signer.Sign(key, "POST", "/api/v1/analyzer/b", "1764000001");

        Assert.Multiple(() =>
        {
            Assert.That(repeated, Is.SameAs(first), "the same call within the same second is not signed again");
            Assert.That(first, Is.EqualTo(Expected("GET", "/api/v1/analyzer/a", now)));
            Assert.That(otherPath, Is.EqualTo(Expected("GET", "/api/v1/analyzer/b", now)));
            Assert.That(otherMethod, Is.EqualTo(Expected("POST", "/api/v1/analyzer/b", now)));
            Assert.That(otherSecond, Is.EqualTo(Expected("POST", "/api/v1/analyzer/b", "1764000001")));
        });
    }

    [Test]
    public void Now_IsUnixSeconds_FormattedOncePerSecond()
    {
        var signer = Signer();

        var first = signer.Now();
        var second = signer.Now();

        var seconds = long.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(seconds, Is.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        if (second == first)
        {
            Assert.That(second, Is.SameAs(first));
        }
    }

    [Test]
    public void CredentialHash_DiffersByKeyAndSecret_AndIsStable()
    {
        var a = KeyVerifier.CacheKey("key-1", "secret-1");
        var longSecret = new string('s', 2000); // past the stack buffer: the pooled one

        Assert.Multiple(() =>
        {
            Assert.That(KeyVerifier.CacheKey("key-1", "secret-1"), Is.EqualTo(a));
            Assert.That(KeyVerifier.CacheKey("key-1", "secret-2"), Is.Not.EqualTo(a));
            Assert.That(KeyVerifier.CacheKey("key-2", "secret-1"), Is.Not.EqualTo(a));
            Assert.That(KeyVerifier.CacheKey("key-1", longSecret), Is.EqualTo(KeyVerifier.CacheKey("key-1", new string('s', 2000))));
            Assert.That(KeyVerifier.CacheKey("key-1", longSecret), Is.Not.EqualTo(KeyVerifier.CacheKey("key-1", longSecret + "t")));
        });
    }

    private static IdentitySigner Signer() =>
        new(Options.Create(new IdentityOptions { SigningSecret = Secret }), TimeProvider.System);
}
