using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Platform.Gateway.Auth;

namespace Platform.UnitTests.Gateway;

public class ConnectionMemoTests
{
    private sealed class ConnectionItems : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }

    private static DefaultHttpContext Request(ConnectionItems connection, string protocol = "HTTP/1.1")
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IConnectionItemsFeature>(connection);
        context.Request.Protocol = protocol;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
        return context;
    }

    [Test]
    public void One_memo_per_connection_with_the_client_address()
    {
        var connection = new ConnectionItems();
        var first = ConnectionMemo.For(Request(connection));
        var second = ConnectionMemo.For(Request(connection));

        Assert.That(first, Is.Not.Null);
        Assert.That(second, Is.SameAs(first));
        Assert.That(first!.Client, Is.EqualTo("10.1.2.3"));
        Assert.That(ConnectionMemo.For(Request(new ConnectionItems())), Is.Not.SameAs(first));
    }

    [Test]
    public void No_memo_for_http2_whose_streams_overlap()
    {
        Assert.That(ConnectionMemo.For(Request(new ConnectionItems(), "HTTP/2")), Is.Null);
    }

    [Test]
    public void The_same_pair_gives_the_verifier_hash_and_any_change_gives_a_new_one()
    {
        var memo = ConnectionMemo.For(Request(new ConnectionItems()))!;

        var good = memo.CacheKey("key-1", "secret-1");
        Assert.That(good, Is.EqualTo(KeyVerifier.CacheKey("key-1", "secret-1")));
        Assert.That(memo.CacheKey("key-1", "secret-1"), Is.EqualTo(good));

        // A connection that was verified once must not carry that answer over to another secret or key.
        Assert.That(memo.CacheKey("key-1", "secret-2"), Is.EqualTo(KeyVerifier.CacheKey("key-1", "secret-2")).And.Not.EqualTo(good));
        Assert.That(memo.CacheKey("key-1", "secret-1x"), Is.EqualTo(KeyVerifier.CacheKey("key-1", "secret-1x")));
        Assert.That(memo.CacheKey("key-2", "secret-1"), Is.EqualTo(KeyVerifier.CacheKey("key-2", "secret-1")).And.Not.EqualTo(good));
        Assert.That(memo.CacheKey("key-1", "secret-1"), Is.EqualTo(good));
    }
}
