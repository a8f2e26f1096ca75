using System.Security.Cryptography;
using System.Text;
using Platform.ServiceDefaults.Identity;

namespace Platform.UnitTests;

public sealed class GatewaySignatureTests
{
    private readonly GatewaySignature signer = new(new string('s', 40));

    [Test]
    public void Signature_IsStable_AndVerifies()
    {
        var a = signer.Compute("get", "/api/v1/admin/users", "org", "key", "admin", "1700000000");
        var b = signer.Compute("GET", "/api/v1/admin/users", "org", "key", "admin", "1700000000");

        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Does.Not.Contain("=").And.Not.Contain("+").And.Not.Contain("/"));
        Assert.That(signer.Verify("GET", "/api/v1/admin/users", "org", "key", "admin", "1700000000", a), Is.True);
    }

    [TestCase("POST", "/api/v1/admin/users", "org", "key", "admin", "1700000000")]
    [TestCase("GET", "/api/v1/admin/keys", "org", "key", "admin", "1700000000")]
    [TestCase("GET", "/api/v1/admin/users", "other", "key", "admin", "1700000000")]
    [TestCase("GET", "/api/v1/admin/users", "org", "key2", "admin", "1700000000")]
    [TestCase("GET", "/api/v1/admin/users", "org", "key", "admin platform", "1700000000")]
    [TestCase("GET", "/api/v1/admin/users", "org", "key", "admin", "1700000001")]
    public void AnyChangedField_FailsVerification(string method, string path, string org, string key, string scopes, string ts)
    {
        var original = signer.Compute("GET", "/api/v1/admin/users", "org", "key", "admin", "1700000000");

        Assert.That(signer.Verify(method, path, org, key, scopes, ts, original), Is.False);
    }

    [Test]
    public void FieldsCannotBeShiftedAcrossTheSeparator()
    {
        var original = signer.Compute("GET", "/p", "org", "key", "admin", "1");

        Assert.That(signer.Verify("GET", "/p", "org\nkey", "", "admin", "1", original), Is.False);
    }

    [Test]
    public void AnotherSecret_FailsVerification()
    {
        var other = new GatewaySignature(new string('t', 40));
        var signature = other.Compute("GET", "/p", "o", "k", "s", "1");

        Assert.That(signer.Verify("GET", "/p", "o", "k", "s", "1", signature), Is.False);
    }

    [Test]
    public void Sign_ReplacesClientSentIdentityHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://svc/api/v1/x?q=1");
        request.Headers.Add(IdentityHeaders.OrgId, "spoofed");
        request.Headers.Add(IdentityHeaders.Scopes, "platform");

        signer.Sign(request, "org-1", "key-1", "analyzer", DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));

        Assert.That(request.Headers.GetValues(IdentityHeaders.OrgId), Is.EqualTo(new[] { "org-1" }));
        Assert.That(request.Headers.GetValues(IdentityHeaders.Scopes), Is.EqualTo(new[] { "analyzer" }));
        Assert.That(request.Headers.GetValues(IdentityHeaders.Timestamp), Is.EqualTo(new[] { "1700000000" }));
        var signature = request.Headers.GetValues(IdentityHeaders.Signature).Single();
        Assert.That(signer.Verify("GET", "/api/v1/x", "org-1", "key-1", "analyzer", "1700000000", signature), Is.True);
    }

    /// <summary>The definition the services and the gateway agree on, written plainly: the optimised computation must match it.</summary>
    [TestCase("GET", "/api/v1/analyzer/sessions")]
    [TestCase("post", "/api/v1/chatbot/documents/ärger ünd späß/€")]
    [TestCase("PUT", "/")]
    public void Signature_IsHmacSha256OfTheIdentityLines_Base64Url(string method, string path)
    {
        foreach (var p in new[] { path, path + new string('x', 3000) }) // the long one goes past the stack buffer
        {
            var payload = string.Join('\n', method.ToUpperInvariant(), p, "org", "key", "analyzer ops", "1764000000");
            var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(new string('s', 40)), Encoding.UTF8.GetBytes(payload)))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

            Assert.That(signer.Compute(method, p, "org", "key", "analyzer ops", "1764000000"), Is.EqualTo(expected));
        }
    }
}
