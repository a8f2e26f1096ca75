using System.Data;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using Platform.Data;

namespace Platform.UnitTests;

public sealed class StatementParametersTests
{
    private enum Level
    {
        Low = 1,
        High = 7,
    }

    [OneTimeSetUp]
    public void RegisterHandlers() => DataExtensions.ConfigureDapper();

    [Test]
    public void Values_AreBoundAsDapperBindsThem()
    {
        var id = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 26, 15, 30, 0, TimeSpan.FromHours(2));
        var parameters = new StatementParameters()
            .Add("id", id)
            .Add("@note", "text")
            .Add("missing", null, DbType.String)
            .AddObject(new { at, counts = new[] { 3, 4 }, names = new[] { "a", "b" }, level = Level.High });

        var command = Bind(parameters);

        Assert.Multiple(() =>
        {
            Assert.That(command.Parameters.Select(p => p.ParameterName), Is.EquivalentTo(new[] { "id", "note", "missing", "at", "counts", "names", "level" }));
            Assert.That(command.Parameters["id"].Value, Is.EqualTo(id));
            Assert.That(command.Parameters["note"].Value, Is.EqualTo("text"));
            Assert.That(command.Parameters["missing"].Value, Is.EqualTo(DBNull.Value));
            Assert.That(command.Parameters["missing"].NpgsqlDbType, Is.EqualTo(NpgsqlDbType.Text), "a null keeps the type it was given");
            Assert.That(command.Parameters["at"].Value, Is.EqualTo(at), "the same instant");
            Assert.That(((DateTimeOffset)command.Parameters["at"].Value!).Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(command.Parameters["at"].NpgsqlDbType, Is.EqualTo(NpgsqlDbType.TimestampTz));
            Assert.That(command.Parameters["counts"].Value, Is.EqualTo(new[] { 3, 4 }), "a list is one array parameter for Npgsql");
            Assert.That(command.Parameters["names"].Value, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(command.Parameters["level"].Value, Is.EqualTo(7), "enums as their number, as Dapper sends them");
        });
    }

    [Test]
    public void SameNameTwice_WithTheSameValue_IsOneParameter_WithAnother_Throws()
    {
        var parameters = new StatementParameters().AddObject(new { run = "first" }).AddObject(new { run = "first", other = 1 });

        Assert.Multiple(() =>
        {
            Assert.That(parameters.Count, Is.EqualTo(2));
            Assert.That(parameters["run"], Is.EqualTo("first"));
            var error = Assert.Throws<ArgumentException>(() => parameters.Add("run", "second"));
            Assert.That(error!.Message, Does.Contain("@run"));
        });
    }

    [Test]
    public void AddObject_TakesDictionariesAndOtherParameters_AndIgnoresNull()
    {
        var parameters = new StatementParameters()
            .AddObject(null)
            .AddObject(new Dictionary<string, object?> { ["a"] = 1 })
            .AddObject(new StatementParameters().Add("b", "two"));

        Assert.That((parameters.Count, parameters["a"], parameters["b"]), Is.EqualTo((2, (object?)1, (object?)"two")));
    }

    [Test]
    public void CustomQueryParameters_AddTheirOwn()
    {
        var parameters = new StatementParameters().Add("code", new DbString { Value = "KE", IsAnsi = true, IsFixedLength = true, Length = 2 });

        var command = Bind(parameters);

        Assert.That((command.Parameters.Count, command.Parameters["code"].Value, command.Parameters["code"].Size), Is.EqualTo((1, (object?)"KE", 2)));
    }

    [Test]
    public void Values_DapperCannotBind_AreRefusedNamingTheParameter()
    {
        var parameters = new StatementParameters().Add("stream", new MemoryStream());

        var error = Assert.Throws<NotSupportedException>(() => Bind(parameters));
        Assert.That(error!.Message, Does.Contain("stream"));
    }

    private static NpgsqlCommand Bind(StatementParameters parameters)
    {
        // An unopened connection: Dapper asks it only what the provider supports (arrays, for lists).
        var command = new NpgsqlCommand("SELECT 1", new NpgsqlConnection());
        ((SqlMapper.IDynamicParameters)parameters).AddParameters(command, null!);
        return command;
    }
}
