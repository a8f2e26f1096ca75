// The raw baseline for `make bench-migrate`: chatbot_messages streamed from MySQL (unbuffered) into a plain
// PostgreSQL table of the same shape by binary COPY, with no mapping, no ids remapped, no JSON checks.
// With --jsonb, context_data goes into a jsonb column (as the Chatbot's messages.context is), so PostgreSQL parses
// every JSON value: the share of a migration's time that comes from the target's column type, not from mapping.
// usage: RawCopy <mysql connection string> <npgsql connection string> [--jsonb]
// prints "RAW rows=N seconds=S cpu=C cores=K": C is the busy CPU time of the whole machine (every process: this one,
// MySQL's and PostgreSQL's server threads) from /proc/stat over the same span, so C / K is the least wall time any
// schedule of this work could take on this machine.
using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using Npgsql;
using NpgsqlTypes;

if (args.Length is not (2 or 3) || (args.Length == 3 && args[2] != "--jsonb"))
{
    Console.Error.WriteLine("usage: RawCopy <mysql connection string> <npgsql connection string> [--jsonb]");
    return 2;
}

var jsonb = args.Length == 3;
var contextType = jsonb ? "jsonb" : "text";

var busyBefore = MachineBusySeconds();
var clock = Stopwatch.StartNew();
await using var my = new MySqlConnection(args[0]);
await my.OpenAsync();
await using var pg = new NpgsqlConnection(args[1]);
await pg.OpenAsync();
await using (var create = new NpgsqlCommand($"""
    DROP TABLE IF EXISTS raw_chatbot_messages;
    CREATE TABLE raw_chatbot_messages (id bigint PRIMARY KEY, session_id integer NOT NULL, role text NOT NULL,
        content text NOT NULL, refined_query text, context_data {contextType}, created_at timestamp NOT NULL)
    """, pg))
{
    await create.ExecuteNonQueryAsync();
}

await using var select = new MySqlCommand("SELECT id, session_id, role, content, refined_query, context_data, created_at FROM chatbot_messages ORDER BY id", my);
await using var reader = await select.ExecuteReaderAsync();
await using var importer = await pg.BeginBinaryImportAsync(
    "COPY raw_chatbot_messages (id, session_id, role, content, refined_query, context_data, created_at) FROM STDIN (FORMAT BINARY)");
long rows = 0;
// synchronous, typed writes as the migrator makes them: the importer buffers and flushes by itself, and an await per
// value would cost this baseline CPU that a plain COPY does not need
while (reader.Read())
{
    importer.StartRow();
    importer.Write(reader.GetInt64(0), NpgsqlDbType.Bigint);
    importer.Write(reader.GetInt32(1), NpgsqlDbType.Integer);
    importer.Write(reader.GetString(2), NpgsqlDbType.Text);
    importer.Write(reader.GetString(3), NpgsqlDbType.Text);
    for (var i = 4; i <= 5; i++)
    {
        if (reader.IsDBNull(i))
        {
            importer.WriteNull();
        }
        else
        {
            importer.Write(reader.GetString(i), i == 5 && jsonb ? NpgsqlDbType.Jsonb : NpgsqlDbType.Text);
        }
    }

    importer.Write(reader.GetDateTime(6), NpgsqlDbType.Timestamp);
    rows++;
}

await importer.CompleteAsync();
var seconds = clock.Elapsed.TotalSeconds;
var busy = MachineBusySeconds() - busyBefore;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RAW rows={rows} seconds={seconds:0.000} cpu={busy:0.00} cores={Environment.ProcessorCount}"));
return 0;

// busy CPU time of every core since boot (user, nice, system, irq, softirq, steal; not idle or iowait), in seconds
static double MachineBusySeconds()
{
    var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
    return (Field(1) + Field(2) + Field(3) + Field(6) + Field(7) + Field(8)) / 100.0;
}
