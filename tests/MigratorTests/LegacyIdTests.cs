using Platform.Migrator.Mapping;

namespace Platform.MigratorTests;

public class LegacyIdTests
{
    private static readonly Guid Namespace = Guid.Parse("3f1b8c52-4a7e-4d2b-9a57-0c6f1e2d9b10");

    [Test]
    public void V5_matches_the_rfc_example()
    {
        // RFC 9562, appendix A.4: the DNS namespace and "www.example.com".
        var dns = Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8");

        Assert.That(LegacyId.V5(dns, "www.example.com"), Is.EqualTo(Guid.Parse("2ed6657d-e927-568b-95e1-2665a8aea6a2")));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Generator_gives_the_same_ids_as_the_reference(bool cached)
    {
        var ids = new LegacyIdGenerator(Namespace, "chatbot_sessions", cached);
        object[] values = [0L, 1L, 42, 7u, (short)3, 9_223_372_036_854_775_807L, -5L, 18UL, "17", "not-a-uuid"];

        foreach (var value in values)
        {
            Assert.That(ids.Of(value), Is.EqualTo(LegacyId.Of(Namespace, "chatbot_sessions", value)), $"{value} ({value.GetType().Name})");
            Assert.That(ids.Of(value), Is.EqualTo(LegacyId.Of(Namespace, "chatbot_sessions", value)), $"{value} again");
        }

        Assert.That(ids.Of(1L), Is.Not.EqualTo(new LegacyIdGenerator(Namespace, "chatbot_messages", cached).Of(1L)), "the table is part of the name");
    }

    [Test]
    public void Uuid_strings_are_kept()
    {
        var uuid = Guid.NewGuid();

        Assert.That(new LegacyIdGenerator(Namespace, "analyzer_sessions", cached: true).Of(uuid.ToString()), Is.EqualTo(uuid));
    }

    [Test]
    public void A_full_cache_starts_over_without_changing_any_id()
    {
        var ids = new LegacyIdGenerator(Namespace, "chatbot_sessions", cached: true);
        for (long i = 0; i < 70_000; i++)
        {
            ids.Of(i);
        }

        Assert.That(ids.Of(3L), Is.EqualTo(LegacyId.Of(Namespace, "chatbot_sessions", 3L)));
        Assert.That(ids.Of(69_999L), Is.EqualTo(LegacyId.Of(Namespace, "chatbot_sessions", 69_999L)));
    }
}
