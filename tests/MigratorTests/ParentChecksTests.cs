using MySqlConnector;
using Platform.Migrator.Mapping;
using Platform.Migrator.Transfer;
using Platform.Testing;

namespace Platform.MigratorTests;

/// <summary>The in-memory orphan check (a parent's keys in a bitmap) against the SQL join it stands in for, on MariaDB.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class ParentChecksTests
{
    private static TableMapping Feedback() =>
        MappingFile.Load(Path.Combine(TestEnvironment.RepoRoot, "services", "Migrator", "mapping.json"))
            .Tables.Single(t => t.Name == "chatbot_feedback");

    private static async Task<LegacyDatabase> SeedAsync()
    {
        var legacy = await LegacyDatabase.CreateAsync();
        // message 3 points to a missing session, so it is an orphan itself and so is feedback on it
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme');
            INSERT INTO chatbot_sessions (id, organization_id, user_id) VALUES (1, 1, 'u-1');
            INSERT INTO chatbot_messages (id, session_id, role, content) VALUES (1, 1, 'user', 'a'), (2, 1, 'assistant', 'b'), (3, 99, 'user', 'c');
            INSERT INTO chatbot_feedback (id, organization_id, message_id, rating) VALUES (1, 1, 1, 5), (2, 1, 2, 4), (3, 1, 3, 3), (4, 1, 7, 2), (5, 1, 4, 1), (6, 1, 1, 5);
            """);
        return legacy;
    }

    // feedback id -> orphan, as the SELECT's own join flags it
    private static async Task<Dictionary<long, bool>> JoinedAsync(TableMapping table, MySqlConnection my)
    {
        var outcome = new Dictionary<long, bool>();
        await using var cmd = new MySqlCommand(SourceQuery.Select(table, fromCheckpoint: false), my);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            outcome[reader.GetInt64(reader.GetOrdinal("id"))] = reader.GetInt64(reader.GetOrdinal(SourceQuery.OrphanColumn(0))) != 0;
        }

        return outcome;
    }

    [Test]
    public async Task Agrees_with_the_join_on_every_row_including_a_parent_added_after_the_keys_were_read()
    {
        await using var legacy = await SeedAsync();
        var table = Feedback();
        await using var my = await TableTransfer.OpenSourceAsync(legacy.ConnectionString, CancellationToken.None);
        await using var checks = await ParentChecks.LoadAsync(table, legacy.ConnectionString, my, childRows: 6, CancellationToken.None);
        Assert.That(checks, Is.Not.Null, "3 message keys for 6 feedback rows: checked in memory");
        Assert.That(checks!.Apart, Is.EquivalentTo(new[] { 0 }));

        // message 4 arrives after the bitmap (keys 1..3) was read: its feedback is no orphan, as the join would say
        await legacy.ExecAsync("INSERT INTO chatbot_messages (id, session_id, role, content) VALUES (4, 1, 'user', 'late')");

        var inMemory = new Dictionary<long, bool>();
        await using (var cmd = new MySqlCommand(SourceQuery.Select(table, fromCheckpoint: false, parentsApart: checks.Apart), my))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            Assert.That(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName), Has.None.EqualTo(SourceQuery.OrphanColumn(0)),
                "a parent checked apart is neither joined nor flagged in the SELECT");
            checks.Bind(reader);
            while (await reader.ReadAsync())
            {
                inMemory[reader.GetInt64(reader.GetOrdinal("id"))] = await checks.IsOrphanAsync(reader, CancellationToken.None);
            }
        }

        var joined = await JoinedAsync(table, my);
        Assert.Multiple(() =>
        {
            Assert.That(inMemory, Is.EqualTo(joined));
            Assert.That(joined.Where(r => r.Value).Select(r => r.Key), Is.EquivalentTo(new long[] { 3, 4 }),
                "feedback on the orphan message 3 and on the missing message 7");
        });
    }

    [Test]
    public async Task A_parent_with_more_keys_than_the_child_has_rows_stays_joined()
    {
        await using var legacy = await SeedAsync();
        await using var my = await TableTransfer.OpenSourceAsync(legacy.ConnectionString, CancellationToken.None);
        await using var checks = await ParentChecks.LoadAsync(Feedback(), legacy.ConnectionString, my, childRows: 2, CancellationToken.None);
        Assert.That(checks, Is.Null);
    }
}
