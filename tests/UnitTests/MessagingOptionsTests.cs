using Platform.ServiceDefaults.Messaging;

namespace Platform.UnitTests;

public sealed class MessagingOptionsTests
{
    [Test]
    public void ConnectionString_WithCredentialsPortAndVhost_IsParsed()
    {
        var ok = MessagingExtensions.TryParse("amqp://platform:s%40cret@rabbit.local:55672/platform-test", out var endpoint);

        Assert.That(ok, Is.True);
        Assert.That(endpoint, Is.EqualTo(new MessagingExtensions.RabbitEndpoint("rabbit.local", 55672, "platform-test", "platform", "s@cret", false)));
    }

    [Test]
    public void ConnectionString_WithoutCredentialsOrVhost_UsesBrokerDefaults()
    {
        var ok = MessagingExtensions.TryParse("amqp://127.0.0.1/", out var endpoint);

        Assert.That(ok, Is.True);
        Assert.That(endpoint, Is.EqualTo(new MessagingExtensions.RabbitEndpoint("127.0.0.1", 5672, "/", "guest", "guest", false)));
    }

    [Test]
    public void Amqps_DefaultsToTlsPort()
    {
        MessagingExtensions.TryParse("amqps://u:p@broker/", out var endpoint);

        Assert.That(endpoint!.UseSsl, Is.True);
        Assert.That(endpoint.Port, Is.EqualTo(5671));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("not a uri")]
    [TestCase("http://127.0.0.1:15672/")]
    [TestCase("rabbitmq.local:5672")]
    public void InvalidConnectionString_IsRejected(string? value)
    {
        Assert.That(MessagingExtensions.TryParse(value, out var endpoint), Is.False);
        Assert.That(endpoint, Is.Null);
    }
}
