using System.Net;
using System.Net.Sockets;
using Platform.Jobs.Webhooks;

namespace Platform.IntegrationTests.Jobs;

/// <summary>The SSRF rules for callback URLs (DESIGN.md, "Security rules"), at submission and at connect time.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class CallbackUrlValidatorTests
{
    private static readonly Dictionary<string, IPAddress[]> Dns = new(StringComparer.OrdinalIgnoreCase)
    {
        ["hooks.example.com"] = [IPAddress.Parse("93.184.216.34")],
        ["v6.example.com"] = [IPAddress.Parse("2606:4700:4700::1111")],
        ["internal.example.com"] = [IPAddress.Parse("10.20.30.40")],
        ["office.example.com"] = [IPAddress.Parse("192.168.1.20")],
        ["mixed.example.com"] = [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("172.20.0.5")],
        ["metadata.example.com"] = [IPAddress.Parse("169.254.169.254")],
        ["ula.example.com"] = [IPAddress.Parse("fd00:1234::5")],
    };

    [TestCase("https://hooks.example.com/jobs")]
    [TestCase("http://hooks.example.com:8443/jobs?client=7")]
    [TestCase("https://v6.example.com/")]
    [TestCase("https://93.184.216.34/jobs")]
    [TestCase("https://[2606:4700:4700::1111]/jobs")]
    public void PublicHttpUrl_IsAccepted(string url)
    {
        Assert.That(CallbackUrlValidator.Validate(url, allowPrivate: false, Resolve), Is.Null);
    }

    [TestCase("http://127.0.0.1:9000/hook", "loopback")]
    [TestCase("http://127.1.2.3/hook", "loopback")]
    [TestCase("http://[::1]/hook", "loopback")]
    [TestCase("http://10.0.0.8/hook", "private")]
    [TestCase("http://172.16.5.4/hook", "private")]
    [TestCase("http://172.31.255.255/hook", "private")]
    [TestCase("http://192.168.0.1/hook", "private")]
    [TestCase("http://100.64.1.1/hook", "shared")]
    [TestCase("http://169.254.1.1/hook", "link-local")]
    [TestCase("http://[fe80::1]/hook", "link-local")]
    [TestCase("http://[fd12:3456::1]/hook", "unique-local")]
    [TestCase("http://[::ffff:10.1.1.1]/hook", "private")]
    [TestCase("http://internal.example.com/hook", "private")]
    [TestCase("http://office.example.com/hook", "private")]
    [TestCase("http://mixed.example.com/hook", "private")]
    [TestCase("http://ula.example.com/hook", "unique-local")]
    public void PrivateAddress_IsRefused_UnlessAllowed(string url, string named)
    {
        var refused = CallbackUrlValidator.Validate(url, allowPrivate: false, Resolve);
        var allowed = CallbackUrlValidator.Validate(url, allowPrivate: true, Resolve);

        Assert.Multiple(() =>
        {
            Assert.That(refused, Does.Contain(named));
            Assert.That(allowed, Is.Null);
        });
    }

    [TestCase("http://169.254.169.254/latest/meta-data/", "metadata")]
    [TestCase("http://metadata.example.com/", "metadata")]
    [TestCase("http://[fd00:ec2::254]/", "metadata")]
    [TestCase("http://0.0.0.0:8080/", "unspecified")]
    [TestCase("http://[::]/", "unspecified")]
    [TestCase("http://224.0.0.1/", "multicast")]
    [TestCase("http://255.255.255.255/", "broadcast")]
    public void MetadataAndUnroutableAddresses_AreRefused_EvenWhenPrivateIsAllowed(string url, string named)
    {
        Assert.That(CallbackUrlValidator.Validate(url, allowPrivate: true, Resolve), Does.Contain(named));
    }

    [TestCase("ftp://hooks.example.com/file", "http or https")]
    [TestCase("file:///etc/passwd", "http or https")]
    [TestCase("gopher://hooks.example.com/", "http or https")]
    [TestCase("javascript:alert(1)", "http or https")]
    [TestCase("/relative/hook", "absolute")]
    [TestCase("hooks.example.com/jobs", "absolute")]
    [TestCase("https://user:secret@hooks.example.com/", "user name or password")]
    [TestCase("", "empty")]
    [TestCase("https://unknown.example.com/", "cannot be resolved")]
    public void MalformedOrUnusableUrl_IsRefusedWithAReason(string url, string reason)
    {
        Assert.That(CallbackUrlValidator.Validate(url, allowPrivate: true, Resolve), Does.Contain(reason));
    }

    [Test]
    public void OverlongUrl_IsRefused()
    {
        var url = "https://hooks.example.com/" + new string('a', CallbackUrlValidator.MaxLength);

        Assert.That(CallbackUrlValidator.Validate(url, allowPrivate: false, Resolve), Does.Contain("longer than"));
    }

    [Test]
    public async Task Localhost_ResolvedByRealDns_IsRefused_UnlessAllowed()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(CallbackUrlValidator.Validate("http://localhost:8080/hook", allowPrivate: false), Does.Contain("loopback"));
            Assert.That(await CallbackUrlValidator.ValidateAsync("http://localhost:8080/hook", allowPrivate: false), Does.Contain("loopback"));
            Assert.That(await CallbackUrlValidator.ValidateAsync("http://localhost:8080/hook", allowPrivate: true), Is.Null);
        });
        await Task.CompletedTask;
    }

    [Test]
    public async Task ConnectTime_Check_RefusesLoopbackHost_AndConnectsWhenAllowed()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var refused = Assert.ThrowsAsync<CallbackRefusedException>(async () =>
            await WebhookSender.ConnectCheckedAsync(new DnsEndPoint("localhost", port), allowPrivate: false, CancellationToken.None));
        await using var stream = await WebhookSender.ConnectCheckedAsync(new DnsEndPoint("127.0.0.1", port), allowPrivate: true, CancellationToken.None);
        using var accepted = await listener.AcceptTcpClientAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Message, Does.Contain("loopback"));
            Assert.That(accepted.Connected, Is.True);
        });
    }

    private static IPAddress[] Resolve(string host) =>
        Dns.TryGetValue(host, out var addresses) ? addresses : throw new SocketException((int)SocketError.HostNotFound);
}
