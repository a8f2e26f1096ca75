using System.Text;
using Npgsql;

namespace Platform.MigratorTests;

/// <summary>The migrator against a real MariaDB legacy database and a real PostgreSQL target, as a process.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class MigrationTests
{
    private static readonly Guid Session = Guid.Parse("6b1e8a3c-1111-4000-8000-000000000001");

    /// <summary>Organisations, users, sessions and messages with the edge cases the legacy data has.</summary>
    private static async Task SeedEdgeCasesAsync(LegacyDatabase legacy, string bigText)
    {
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug, settings, created_at, updated_at) VALUES
              (1, 'Acme 🚀 Ünïcødé', 'acme', '{"requests_per_minute": 60}', '0000-00-00 00:00:00', '2024-03-01 10:00:00'),
              (2, 'Beta', 'beta', NULL, '2024-01-02 08:00:00', '2024-01-02 08:00:00');
            INSERT INTO users (organization_id, external_user_id, email, full_name, role) VALUES (1, 'u-1', 'zoe@example.org', 'Zoë 😀 Ñandú', 'admin');
            INSERT INTO api_keys (organization_id, name, api_key, api_secret, scopes, last_used_at) VALUES (1, 'legacy', 'pk_edge_1', 'sk_edge_1', 'analyzer, chatbot', '0000-00-00 00:00:00');
            INSERT INTO prompts (prompt_key, version, organization_id, template, is_active) VALUES
              ('analyzer.p1', 1, NULL, 'global v1 {document}', 0), ('analyzer.p1', 2, NULL, 'global v2 {document}', 1),
              ('chatbot.answer', 1, 1, 'org answer {question}', 1);
            INSERT INTO chatbot_sessions (id, organization_id, user_id, channel, title) VALUES (1, 1, 'u-1', 'whatsapp', NULL);
            INSERT INTO chatbot_messages (id, session_id, role, content, refined_query, context_data, created_at) VALUES
              (1, 1, 'user', 'Hola 👋 你好 مرحبا', NULL, '{"sources": [{"id": 1, "score": 0.50}], "lang": "es"}', '2024-05-01 12:00:00.123'),
              (2, 1, 'assistant', 'answer', 'refined', '{not json', '2024-05-01 12:00:01.456'),
              (3, 1, 'user', 'no context', NULL, NULL, '2024-05-01 12:00:02.789'),
              (4, 99, 'user', 'orphan: session 99 was deleted', NULL, NULL, '2024-05-01 12:00:03.000');
            -- feedback on a message, on a message that is gone, and on the orphan message (left out, so this one too)
            INSERT INTO chatbot_feedback (organization_id, message_id, rating, comment) VALUES (1, 1, 5, '👍 gracias'), (1, 999, 1, 'gone'), (1, 4, 2, 'on an orphan');
            INSERT INTO evaluator_sessions (id, organization_id, user_id, proposal_text, tor_text, internal_analysis, status) VALUES
              (1, 1, 'u-1', 'proposal', 'tor', '{"b": 2, "a": [1, 2.50, "x"]}', 'processing');
            INSERT INTO evaluator_feedback (session_id, rating, comment) VALUES (1, 5, NULL), (42, 1, 'orphan');
            """);
        await legacy.ExecAsync(
            "INSERT INTO analyzer_sessions (id, organization_id, user_id, document_name, document_text, sections, status) VALUES (@id, 1, 'u-1', NULL, @text, NULL, 'pending')",
            ("@id", Session.ToString()), ("@text", bigText));
        await legacy.ExecAsync("INSERT INTO analyzer_followups (session_id, question, answer) VALUES (@id, '¿Qué?', 'Eso 🙂'), ('6b1e8a3c-1111-4000-8000-0000000dead0', 'orphan', 'x')",
            ("@id", Session.ToString()));
    }

    private static string BigText()
    {
        var sb = new StringBuilder();
        while (sb.Length < 3_000_000)
        {
            sb.Append("Línea de texto multilingüe — 多语言文本 — 🌍 ").Append(sb.Length).Append('\n');
        }

        return sb.ToString();
    }

    [Test]
    public async Task Migrate_EdgeCases_MovedMappedAndValidated()
    {
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        var bigText = BigText();
        await SeedEdgeCasesAsync(legacy, bigText);

        var (exit, output, report) = await MigratorCli.RunAsync(legacy, target, "migrate", "--on-invalid-json", "wrap");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("VALIDATION OK"));
        var messages = MigratorCli.Table(report!, "chatbot_messages");
        Assert.Multiple(() =>
        {
            Assert.That((long)messages["orphans"]!, Is.EqualTo(1));
            Assert.That((long)messages["target_rows"]!, Is.EqualTo(3));
            Assert.That((long)messages["invalid_json"]!, Is.EqualTo(1));
            Assert.That(messages["invalid_json_rows"]!.AsArray().Select(n => (string)n!), Is.EquivalentTo(new[] { "2:context" }));
            Assert.That((long)MigratorCli.Table(report!, "organizations")["zero_dates"]!, Is.EqualTo(1));
            Assert.That((long)MigratorCli.Table(report!, "analyzer_followups")["orphans"]!, Is.EqualTo(1));
            Assert.That((long)MigratorCli.Table(report!, "evaluator_feedback")["orphans"]!, Is.EqualTo(1));
            Assert.That((int)MigratorCli.Table(report!, "chatbot_messages")["sampled"]!, Is.EqualTo(3));
            Assert.That((long)MigratorCli.Table(report!, "chatbot_feedback")["orphans"]!, Is.EqualTo(2));
            Assert.That((long)MigratorCli.Table(report!, "chatbot_feedback")["target_rows"]!, Is.EqualTo(1));
        });

        Assert.Multiple(async () =>
        {
            Assert.That(await target.ScalarAsync<string>("SELECT name FROM admin.organizations WHERE slug = 'acme'"), Is.EqualTo("Acme 🚀 Ünïcødé"));
            // zero created_at: the row's updated_at stands in (counted above)
            Assert.That(await target.ScalarAsync<DateTime>("SELECT created_at FROM admin.organizations WHERE slug = 'acme'"),
                Is.EqualTo(new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc)));
            Assert.That(await target.ScalarAsync<string>("SELECT settings::text FROM admin.organizations WHERE slug = 'beta'"), Is.EqualTo("{}"));
            Assert.That(await target.ScalarAsync<string>("SELECT name FROM admin.users WHERE external_id = 'u-1'"), Is.EqualTo("Zoë 😀 Ñandú"));
            Assert.That(await target.ScalarAsync<string>("SELECT content FROM chatbot.messages WHERE refined_query IS NULL AND context ? 'lang'"), Is.EqualTo("Hola 👋 你好 مرحبا"));
            Assert.That(await target.ScalarAsync<string>("SELECT context ->> '_invalid_json' FROM chatbot.messages WHERE refined_query = 'refined'"), Is.EqualTo("{not json"));
            Assert.That(await target.ScalarAsync<string>("SELECT context::text FROM chatbot.messages WHERE content = 'no context'"), Is.EqualTo("{}"));
            Assert.That(await target.ScalarAsync<DateTime>("SELECT created_at FROM chatbot.messages WHERE refined_query = 'refined'"),
                Is.EqualTo(new DateTime(2024, 5, 1, 12, 0, 1, 456, DateTimeKind.Utc)));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages WHERE content LIKE 'orphan%'"), Is.Zero);
            Assert.That(await target.ScalarAsync<string>("SELECT channel FROM chatbot.sessions"), Is.EqualTo("whatsapp"));
            Assert.That(await target.ScalarAsync<string>("SELECT document_text FROM analyzer.sessions WHERE id = @id", ("id", Session)), Is.EqualTo(bigText));
            Assert.That(await target.ScalarAsync<string>("SELECT status FROM analyzer.sessions WHERE id = @id", ("id", Session)), Is.EqualTo("queued"));
            Assert.That(await target.ScalarAsync<string>("SELECT sections::text FROM analyzer.sessions WHERE id = @id", ("id", Session)), Is.EqualTo("[]"));
            Assert.That(await target.ScalarAsync<string>("SELECT status FROM evaluator.sessions"), Is.EqualTo("running"));
            Assert.That(await target.ScalarAsync<string[]>("SELECT scopes FROM admin.api_keys"), Is.EqualTo(new[] { "analyzer", "chatbot" }));
            Assert.That(await target.ScalarAsync<object>("SELECT last_used_at FROM admin.api_keys"), Is.EqualTo(DBNull.Value));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM admin.api_keys WHERE position('sk_edge_1'::bytea in secret_hash) > 0 OR prefix LIKE 'sk_%'"), Is.Zero);
            Assert.That(await target.ScalarAsync<string>("SELECT v.template FROM admin.prompt_versions v JOIN admin.prompts p ON p.id = v.prompt_id WHERE p.key = 'analyzer.p1' AND p.org_id IS NULL AND v.version = p.active_version"),
                Is.EqualTo("global v2 {document}"));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM admin.prompts WHERE key = 'chatbot.answer' AND org_id IS NOT NULL"), Is.EqualTo(1));
            // the foreign keys set aside for the load are back and validated
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conname LIKE 'messages%' AND convalidated"), Is.EqualTo(1));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE indexname = 'messages_session_created_idx'"), Is.EqualTo(1));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'chatbot.messages'::regclass"), Is.EqualTo(1));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM migrator.deferred"), Is.Zero);
        });

        // the same ids again on a second run: nothing new, nothing duplicated
        var (again, againOutput, _) = await MigratorCli.RunAsync(legacy, target, "migrate");
        Assert.That(again, Is.EqualTo(0), againOutput);
        Assert.That(againOutput, Does.Contain("MIGRATE rows=").And.Not.Contains("VALIDATION FAILED"));
        Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(3));
    }

    [Test]
    public async Task Migrate_InvalidJsonWithFailPolicy_StopsAndNamesTheRow()
    {
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme');
            INSERT INTO chatbot_sessions (id, organization_id, user_id) VALUES (1, 1, 'u');
            INSERT INTO chatbot_messages (id, session_id, role, content, context_data) VALUES (7, 1, 'user', 'x', '[1, 2');
            """);

        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, "migrate", "--on-invalid-json", "fail", "--tables", "organizations,chatbot_sessions,chatbot_messages");

        Assert.That(exit, Is.EqualTo(3), output);
        Assert.That(output, Does.Contain("chatbot_messages row 7").And.Contain("context"));
    }

    [Test]
    public async Task Validate_CorruptedTargetRow_ReportsMismatchAndFails()
    {
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        await SeedEdgeCasesAsync(legacy, "short text");
        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, "migrate", "--on-invalid-json", "null");
        Assert.That(exit, Is.EqualTo(0), output);

        await using (var conn = new NpgsqlConnection(target.ConnectionString))
        {
            await conn.OpenAsync();
            await using var corrupt = new NpgsqlCommand("UPDATE chatbot.messages SET content = 'tampered' WHERE content = 'answer'", conn);
            Assert.That(await corrupt.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var (validateExit, validateOutput, report) = await MigratorCli.RunAsync(legacy, target, "validate");

        Assert.That(validateExit, Is.EqualTo(1), validateOutput);
        var messages = MigratorCli.Table(report!, "chatbot_messages");
        Assert.Multiple(() =>
        {
            Assert.That((bool)messages["checksum_matches"]!, Is.False);
            Assert.That((bool)messages["count_matches"]!, Is.True);
            Assert.That(messages["sample_mismatches"]!.AsArray().Select(m => (string)m!["column"]!), Does.Contain("content"));
            Assert.That((bool)MigratorCli.Table(report!, "chatbot_sessions")["ok"]!, Is.True);
            Assert.That((bool)report!["ok"]!, Is.False);
            Assert.That(validateOutput, Does.Contain("VALIDATION FAILED"));
        });
    }

    [Test]
    public async Task Migrate_KilledMidRun_ResumesWithoutDuplicates_ThenDeltaMovesOnlyChanges()
    {
        const int Messages = 20000;
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme');
            INSERT INTO chatbot_sessions (id, organization_id, user_id, title, updated_at) VALUES (1, 1, 'u', 'first', '2024-01-01 00:00:00'), (2, 1, 'v', 'second', '2024-01-01 00:00:00');
            """);
        await legacy.ExecAsync($$"""
            INSERT INTO chatbot_messages (session_id, role, content, context_data)
            SELECT 1 + (seq % 2), IF(seq % 2 = 0, 'user', 'assistant'), CONCAT('message ', seq, ' ✓'), CONCAT('{"n": ', seq, '}')
            FROM seq_1_to_{{Messages}}
            """);
        string[] tables = ["--tables", "organizations,chatbot_sessions,chatbot_messages"];

        // a slow first run (rate-limited), killed once a few batches are committed
        var output = new StringBuilder();
        using (var process = MigratorCli.Start(legacy, target, output, ["migrate", .. tables, "--batch-size", "1000", "--max-rows-per-second", "4000", "--no-validate"]))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await CheckpointRowsAsync(target, "chatbot_messages") < 3000)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no checkpoint progress: " + output);
                Assert.That(process.HasExited, Is.False, "finished before it could be killed: " + output);
                await Task.Delay(100);
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        var copied = await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages");
        Assert.That(copied, Is.GreaterThanOrEqualTo(3000).And.LessThan(Messages));
        // the bulk load had set the primary key aside (recorded, so the next run puts it back)
        Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'chatbot.messages'::regclass"), Is.Zero);
        Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM migrator.deferred WHERE kind = 'primary_key' AND table_name = 'chatbot.messages'"), Is.EqualTo(1));
        Assert.That(copied, Is.EqualTo(await CheckpointRowsAsync(target, "chatbot_messages")), "only whole committed batches");

        var (exit, resumed, report) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables]);
        Assert.That(exit, Is.EqualTo(0), resumed);
        Assert.Multiple(async () =>
        {
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(Messages));
            Assert.That(await target.ScalarAsync<long>("SELECT count(DISTINCT id) FROM chatbot.messages"), Is.EqualTo(Messages));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conrelid = 'chatbot.messages'::regclass"), Is.EqualTo(1), "primary key back");
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM migrator.deferred"), Is.Zero);
            // only what was left: the rest of the messages (and the two small tables' 3 rows if they were not done yet)
            Assert.That(MigratedRows(resumed), Is.InRange(Messages - copied, Messages - copied + 3));
            Assert.That((bool)report!["ok"]!, Is.True);
        });

        // the pre-cutover delta: 25 new messages and one renamed session
        await legacy.ExecAsync("INSERT INTO chatbot_messages (session_id, role, content) SELECT 2, 'user', CONCAT('late ', seq) FROM seq_1_to_25");
        await legacy.ExecAsync("UPDATE chatbot_sessions SET title = 'renamed 🎉', updated_at = UTC_TIMESTAMP() + INTERVAL 1 SECOND WHERE id = 1");
        var (deltaExit, delta, deltaReport) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables]);

        Assert.That(deltaExit, Is.EqualTo(0), delta);
        Assert.Multiple(async () =>
        {
            Assert.That(MigratedRows(delta), Is.EqualTo(26), "25 new rows and 1 changed row");
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(Messages + 25));
            Assert.That(await target.ScalarAsync<string>("SELECT title FROM chatbot.sessions WHERE user_id = 'u'"), Is.EqualTo("renamed 🎉"));
            Assert.That(await target.ScalarAsync<string>("SELECT title FROM chatbot.sessions WHERE user_id = 'v'"), Is.EqualTo("second"));
            Assert.That((bool)deltaReport!["ok"]!, Is.True);
        });
    }

    [Test]
    public async Task Delta_DeletesRowsGoneFromLegacy_KeepsRowsTheServicesMade_AndRefusesAMassDeletion()
    {
        const int Messages = 200;
        var kept = Guid.Parse("6b1e8a3c-2222-4000-8000-000000000001");
        var dropped = Guid.Parse("6b1e8a3c-2222-4000-8000-000000000002");
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        await legacy.ExecAsync("""
            INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme');
            INSERT INTO chatbot_sessions (id, organization_id, user_id, title) VALUES (1, 1, 'u', 'first'), (2, 1, 'v', 'second');
            """);
        await legacy.ExecAsync($$"""
            INSERT INTO chatbot_messages (id, session_id, role, content)
            SELECT seq, 1 + (seq % 2), 'user', CONCAT('message ', seq) FROM seq_1_to_{{Messages}}
            """);
        await legacy.ExecAsync("""
            INSERT INTO analyzer_sessions (id, organization_id, user_id, document_text) VALUES (@kept, 1, 'u', 'kept'), (@dropped, 1, 'u', 'dropped');
            INSERT INTO analyzer_followups (session_id, question, answer) VALUES (@kept, 'q1', 'a1'), (@dropped, 'q2', 'a2');
            """, ("@kept", kept.ToString()), ("@dropped", dropped.ToString()));
        string[] tables = ["--tables", "organizations,chatbot_sessions,chatbot_messages,analyzer_sessions,analyzer_followups"];
        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables]);
        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(await target.ScalarAsync<string>("SELECT string_agg(lo || '-' || hi, ',' ORDER BY lo) FROM migrator.ledger_ranges WHERE name = 'chatbot_messages'"),
            Is.EqualTo($"1-{Messages}"), "one batch of consecutive keys: one range");

        var (planExit, plan, _) = await MigratorCli.RunAsync(legacy, target, ["plan", .. tables]);
        Assert.That(planExit, Is.EqualTo(0), plan);
        Assert.That(plan, Does.Contain("legacy deletions followed"));

        // rows the new services made meanwhile (never in the legacy database): a message in a migrated session, a session
        var session2 = await target.ScalarAsync<Guid>("SELECT id FROM chatbot.sessions WHERE user_id = 'v'");
        var serviceMessage = Guid.NewGuid();
        var serviceSession = Guid.NewGuid();
        await target.ExecAsync("INSERT INTO chatbot.messages (id, session_id, role, content) VALUES (@id, @session, 'user', 'made by the chatbot')",
            ("id", serviceMessage), ("session", session2));
        await target.ExecAsync("INSERT INTO analyzer.sessions (id, org_id, user_id, document_text) SELECT @id, org_id, 'w', 'made by the analyzer' FROM analyzer.sessions LIMIT 1",
            ("id", serviceSession));

        // deleted in the legacy database: two messages and an analysis (whose follow-up stays behind: no foreign keys there)
        await legacy.ExecAsync("DELETE FROM chatbot_messages WHERE id IN (5, 6); DELETE FROM analyzer_sessions WHERE id = @dropped", ("@dropped", dropped.ToString()));
        var (deltaExit, delta, _) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables, "--no-validate"]);

        Assert.That(deltaExit, Is.EqualTo(0), delta);
        Assert.Multiple(async () =>
        {
            Assert.That(delta, Does.Contain("deleted=3"));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages WHERE content IN ('message 5', 'message 6')"), Is.Zero);
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(Messages - 2 + 1));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages WHERE id = @id", ("id", serviceMessage)), Is.EqualTo(1));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM analyzer.sessions WHERE id = @id", ("id", dropped)), Is.Zero);
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM analyzer.sessions WHERE id = ANY(@ids)", ("ids", new[] { kept, serviceSession })), Is.EqualTo(2));
            Assert.That(await target.ScalarAsync<string>("SELECT string_agg(question, ',') FROM analyzer.followups"), Is.EqualTo("q1"), "the dropped analysis's follow-up went with it");
            Assert.That(await target.ScalarAsync<string>("SELECT string_agg(lo || '-' || hi, ',' ORDER BY lo) FROM migrator.ledger_ranges WHERE name = 'chatbot_messages'"),
                Is.EqualTo($"1-4,7-{Messages}"));
            Assert.That(await target.ScalarAsync<string>("SELECT string_agg(key, ',') FROM migrator.ledger_keys WHERE name = 'analyzer_sessions'"), Is.EqualTo(kept.ToString()));
        });

        // without the services' own rows the target matches the legacy database again
        await target.ExecAsync("DELETE FROM chatbot.messages WHERE id = @id", ("id", serviceMessage));
        await target.ExecAsync("DELETE FROM analyzer.sessions WHERE id = @id", ("id", serviceSession));
        var (validExit, validOutput, _) = await MigratorCli.RunAsync(legacy, target, ["validate", .. tables]);
        Assert.That(validExit, Is.EqualTo(0), validOutput);

        // most of a table gone (a wrong or emptied --source): nothing is deleted and the run says why
        await legacy.ExecAsync("DELETE FROM chatbot_messages WHERE id > 50");
        var (guardExit, guard, _) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables, "--no-validate"]);
        Assert.Multiple(async () =>
        {
            Assert.That(guardExit, Is.EqualTo(3), guard);
            Assert.That(guard, Does.Contain("chatbot_messages: 150 of the 198 rows").And.Contain("--max-delete-fraction"));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(Messages - 2));
        });

        var (keepExit, keep, _) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables, "--deletes", "keep", "--no-validate"]);
        Assert.That(keepExit, Is.EqualTo(0), keep);
        Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(Messages - 2));

        var (allowExit, allow, report) = await MigratorCli.RunAsync(legacy, target, ["migrate", .. tables, "--max-delete-fraction", "1"]);
        Assert.That(allowExit, Is.EqualTo(0), allow);
        Assert.Multiple(async () =>
        {
            Assert.That(allow, Does.Contain("deleted=150"));
            Assert.That(await target.ScalarAsync<long>("SELECT count(*) FROM chatbot.messages"), Is.EqualTo(48));
            Assert.That((bool)report!["ok"]!, Is.True);
        });
    }

    [Test]
    public async Task Plan_PrintsTablesMappingAndWarnings_WritesNothing()
    {
        await using var legacy = await LegacyDatabase.CreateAsync();
        await using var target = await TargetDatabase.CreateAsync();
        await legacy.ExecAsync("CREATE TABLE audit_log (id INT PRIMARY KEY); INSERT INTO organizations (id, name, slug) VALUES (1, 'Acme', 'acme')");

        var (exit, output, _) = await MigratorCli.RunAsync(legacy, target, "plan");

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.Multiple(async () =>
        {
            Assert.That(output, Does.Contain("chatbot_messages").And.Contain("chatbot.messages").And.Contain("UUIDv5"));
            Assert.That(output, Does.Contain("legacy table audit_log is not in the mapping"));
            Assert.That(output, Does.Contain("nothing was written"));
            Assert.That(await target.ScalarAsync<bool>("SELECT to_regclass('admin.organizations') IS NULL AND to_regclass('migrator.checkpoints') IS NULL"), Is.True);
        });
    }

    private static long MigratedRows(string output) =>
        long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"MIGRATE rows=(\d+) ").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<long> CheckpointRowsAsync(TargetDatabase target, string table)
    {
        await using var conn = new NpgsqlConnection(target.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT rows FROM migrator.checkpoints WHERE name = @name", conn);
        cmd.Parameters.AddWithValue("name", table);
        try
        {
            return await cmd.ExecuteScalarAsync() is long rows ? rows : 0;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }
}
