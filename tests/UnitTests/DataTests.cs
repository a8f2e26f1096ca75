using System.Data;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Platform.Data;

namespace Platform.UnitTests;

public sealed class DataTests
{
    public sealed record Section(string PromptKey, string Title, IReadOnlyList<string> KeyTerms);

    [Test]
    public void Migrations_AreFoundUnderMigrations_InNumberOrder()
    {
        var migrations = new SchemaMigrations("unit", typeof(DataTests).Assembly);

        Assert.That(migrations.ScriptNames.Select(n => n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..]),
            Is.EqualTo(new[] { "0001_first.sql", "0002_second.sql", "0010_tenth.sql" }));
        Assert.That(migrations.Completed, Is.False);
    }

    [Test]
    public void JsonbHandler_WritesSnakeCaseJsonb_AndReadsItBack()
    {
        var handler = new JsonbHandler<Section>();
        var parameter = new NpgsqlParameter();
        var section = new Section("analyzer.p1", "Summary", ["budget", "impact"]);

        handler.SetValue(parameter, section);

        Assert.That(parameter.NpgsqlDbType, Is.EqualTo(NpgsqlDbType.Jsonb));
        Assert.That(parameter.Value, Is.EqualTo("""{"prompt_key":"analyzer.p1","title":"Summary","key_terms":["budget","impact"]}"""));
        var back = handler.Parse(parameter.Value!);
        Assert.That(back!.PromptKey, Is.EqualTo("analyzer.p1"));
        Assert.That(back.KeyTerms, Is.EqualTo(new[] { "budget", "impact" }));
    }

    [Test]
    public void JsonbHandler_WritesNullAsDbNull()
    {
        var parameter = new NpgsqlParameter();

        new JsonbHandler<Section>().SetValue(parameter, null);

        Assert.That(parameter.Value, Is.EqualTo(DBNull.Value));
    }

    [Test]
    public void JsonbHandler_RejectsNonJsonValues()
    {
        Assert.Throws<DataException>(() => new JsonbHandler<Section>().Parse(42));
        Assert.Throws<JsonException>(() => new JsonbHandler<Section>().Parse("{not json"));
    }

    [Test]
    public void CreateDataSource_PinsTheSearchPathToTheOwnersSchema()
    {
        using var dataSource = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer;Search Path=public", "analyzer");

        var csb = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.That(csb.SearchPath, Is.EqualTo("analyzer"));
        Assert.That(csb.ApplicationName, Is.EqualTo("analyzer"));
    }

    [Test]
    public void CreateDataSource_PreparesRepeatedStatements_UnlessTheConnectionStringSays()
    {
        using var byDefault = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer", "analyzer");
        using var off = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer;Max Auto Prepare=0", "analyzer");
        using var own = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer;MaxAutoPrepare=5", "analyzer");

        Assert.That(new NpgsqlConnectionStringBuilder(byDefault.ConnectionString).MaxAutoPrepare, Is.EqualTo(DataExtensions.DefaultMaxAutoPrepare));
        Assert.That(new NpgsqlConnectionStringBuilder(off.ConnectionString).MaxAutoPrepare, Is.Zero);
        Assert.That(new NpgsqlConnectionStringBuilder(own.ConnectionString).MaxAutoPrepare, Is.EqualTo(5));
    }

    [Test]
    public void CreateDataSource_SkipsTheResetOnReturnToThePool_UnlessTheConnectionStringSays()
    {
        using var byDefault = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer", "analyzer");
        using var reset = DataExtensions.CreateDataSource("Host=127.0.0.1;Port=1;Database=x;Username=analyzer;No Reset On Close=false", "analyzer");

        Assert.That(new NpgsqlConnectionStringBuilder(byDefault.ConnectionString).NoResetOnClose, Is.True);
        Assert.That(new NpgsqlConnectionStringBuilder(reset.ConnectionString).NoResetOnClose, Is.False);
    }
}
