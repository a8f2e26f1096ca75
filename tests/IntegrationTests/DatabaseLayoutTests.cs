using Npgsql;
using Platform.Testing;

namespace Platform.IntegrationTests;

[Parallelizable(ParallelScope.All)]
public sealed class DatabaseLayoutTests
{
    private static readonly string[] Owners = ["admin", "analyzer", "chatbot", "evaluator", "gateway"];

    [Test]
    public async Task Migrations_CreateTablesOnlyInTheirOwnersSchemas()
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
            """, db);
        var objects = new List<(string Schema, string Name, string Owner)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                objects.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(objects.Where(o => !Owners.Contains(o.Schema)), Is.Empty, "nothing outside the owners' schemas");
            Assert.That(objects.Where(o => o.Owner != o.Schema), Is.Empty, "every object is owned by its schema's role");
            foreach (var owner in Owners)
            {
                Assert.That(objects, Has.Some.EqualTo((owner, "schemaversions", owner)), $"{owner} keeps its journal in its own schema");
            }
        });
    }

    [Test]
    public async Task Journal_RecordsEveryEmbeddedScriptOfTheOwner()
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("admin"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT scriptname FROM admin.schemaversions ORDER BY schemaversionsid", db);
        var applied = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetString(0));
            }
        }

        Assert.That(applied, Is.Not.Empty);
        Assert.That(applied, Is.Ordered.Using<string>(StringComparer.Ordinal));
        Assert.That(applied, Has.All.Contains(".Migrations."));
    }

    [TestCase("analyzer", "admin")]
    [TestCase("chatbot", "admin")]
    [TestCase("gateway", "analyzer")]
    [TestCase("admin", "evaluator")]
    public async Task Role_CannotReadAnotherOwnersTables(string role, string otherSchema)
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString(role));
        await db.OpenAsync();

        await using var own = new NpgsqlCommand($"SELECT count(*) FROM {role}.schemaversions", db);
        Assert.That(await own.ExecuteScalarAsync(), Is.GreaterThanOrEqualTo(0L), "a role reads its own schema");

        await using var other = new NpgsqlCommand($"SELECT count(*) FROM {otherSchema}.schemaversions", db);
        var error = Assert.ThrowsAsync<PostgresException>(() => other.ExecuteScalarAsync());
        Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege));
    }

    [Test]
    public async Task Role_CannotCreateObjectsInPublicOrAnotherSchema()
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("analyzer"));
        await db.OpenAsync();

        foreach (var schema in new[] { "public", "admin" })
        {
            await using var create = new NpgsqlCommand($"CREATE TABLE {schema}.intruder (id int)", db);
            var error = Assert.ThrowsAsync<PostgresException>(() => create.ExecuteNonQueryAsync());
            Assert.That(error!.SqlState, Is.EqualTo(PostgresErrorCodes.InsufficientPrivilege), schema);
        }
    }
}
