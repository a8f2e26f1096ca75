// make bench-chat's client (deploy/bench/chat.sh). Two measurements, chosen by the first argument:
//   search  the local vector store (LocalVectorStore: PostgreSQL + the in-memory SIMD index) with CHUNKS vectors of
//           DIMENSIONS floats in one organisation of a throwaway database: upsert rate, lazy load time, and the latency
//           of QUERIES top-k searches (p50/p95/p99, one at a time, then with a document filter).
//   chat    REQUESTS POST /api/v1/chatbot/chat through the gateway, CONCURRENCY in flight: requests/s and latency.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Chatbot.Retrieval;
using Platform.Data;

var mode = args.FirstOrDefault() ?? "search";
return mode switch
{
    "search" => await SearchBench.RunAsync(),
    "chat" => await ChatBench.RunAsync(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ChatSearch search | chat   (settings from the environment; see deploy/bench/chat.sh)");
    return 2;
}

internal static class Env
{
    public static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    public static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set.");

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);
}

internal static class SearchBench
{
    public static async Task<int> RunAsync()
    {
        var chunks = Env.Int("CHUNKS", 100_000);
        var dimensions = Env.Int("DIMENSIONS", 384);
        var queries = Env.Int("QUERIES", 1_000);
        var topK = Env.Int("TOP_K", 20);
        var perDocument = Env.Int("CHUNKS_PER_DOCUMENT", 50);
        var superuser = Env.Required("PG_SUPERUSER_CONNECTION");
        var database = $"bench_chat_{Environment.ProcessId}_{DateTime.UtcNow:HHmmss}";

        await ExecuteAsync(superuser, $"CREATE DATABASE {database} ENCODING 'UTF8'");
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(superuser) { Database = database }.ConnectionString;
            await ExecuteAsync(connection, "CREATE SCHEMA chatbot");
            new SchemaMigrations("chatbot", typeof(LocalVectorStore).Assembly).Apply(connection, NullLogger.Instance);
            return await MeasureAsync(connection, chunks, dimensions, queries, topK, perDocument);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(superuser, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }

    private static async Task<int> MeasureAsync(string connection, int chunks, int dimensions, int queries, int topK, int perDocument)
    {
        var random = new Random(42);
        var org = Guid.NewGuid();
        var documents = Enumerable.Range(0, (chunks + perDocument - 1) / perDocument).Select(_ => Guid.NewGuid()).ToArray();
        var options = Options.Create(new VectorStoreOptions());

        await using (var writerDb = DataExtensions.CreateDataSource(connection, "chatbot"))
        {
            var writer = new LocalVectorStore(writerDb, options, NullLogger<LocalVectorStore>.Instance);
            var watch = Stopwatch.StartNew();
            foreach (var document in documents.Select((id, i) => (id, i)))
            {
                var count = Math.Min(perDocument, chunks - (document.i * perDocument));
                var records = new VectorRecord[count];
                for (var n = 0; n < count; n++)
                {
                    records[n] = new VectorRecord($"{document.id}#{n}", document.id, RandomVector(random, dimensions));
                }

                await writer.UpsertAsync(org, records);
            }

            watch.Stop();
            Console.WriteLine($"stored      {chunks:N0} vectors x {dimensions} floats in {documents.Length:N0} documents: {watch.Elapsed.TotalSeconds:0.0} s ({chunks / watch.Elapsed.TotalSeconds:N0} vectors/s, one upsert per document)");
        }

        // A fresh instance, as after a restart: the first query loads the organisation.
        await using var readerDb = DataExtensions.CreateDataSource(connection, "chatbot");
        var reader = new LocalVectorStore(readerDb, options, NullLogger<LocalVectorStore>.Instance);
        var load = Stopwatch.StartNew();
        await reader.QueryAsync(org, RandomVector(random, dimensions), topK);
        load.Stop();
        Console.WriteLine($"lazy load   first query (loads the organisation from PostgreSQL): {load.Elapsed.TotalMilliseconds:N0} ms");

        for (var i = 0; i < 50; i++)
        {
            await reader.QueryAsync(org, RandomVector(random, dimensions), topK); // warm-up (JIT, caches)
        }

        var all = await TimeAsync(queries, () => reader.QueryAsync(org, RandomVector(random, dimensions), topK));
        var filtered = await TimeAsync(queries, () => reader.QueryAsync(org, RandomVector(random, dimensions), topK, documents.Take(documents.Length / 2).ToHashSet()));
        Console.WriteLine();
        Console.WriteLine($"search latency over {chunks:N0} chunks ({dimensions} dims, top {topK}, {queries:N0} queries one at a time, {Environment.ProcessorCount} cores)");
        Console.WriteLine("                          p50 ms    p95 ms    p99 ms    max ms");
        Print("all documents", all);
        Print("filter: half the docs", filtered);
        var target = 20.0;
        var p95 = Env.Percentile(all, 95);
        Console.WriteLine();
        Console.WriteLine($"target p95 <= {target} ms: {(p95 <= target ? "met" : "MISSED")} (p95 {Env.Ms(p95)} ms)");
        Console.WriteLine($"machine load (1/5/15 min) at the end: {Env.LoadAverage()} - other work on the cores shows in the tail");
        return 0;
    }

    private static void Print(string label, List<double> sorted) =>
        Console.WriteLine($"{label,-22} {Env.Ms(Env.Percentile(sorted, 50)),9} {Env.Ms(Env.Percentile(sorted, 95)),9} {Env.Ms(Env.Percentile(sorted, 99)),9} {Env.Ms(sorted[^1]),9}");

    private static async Task<List<double>> TimeAsync(int count, Func<Task<IReadOnlyList<VectorMatch>>> query)
    {
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var matches = await query();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if (matches.Count == 0)
            {
                throw new InvalidOperationException("A search found nothing: the measurement is not valid.");
            }
        }

        times.Sort();
        return times;
    }

    private static float[] RandomVector(Random random, int dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return vector;
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(sql, conn);
        await command.ExecuteNonQueryAsync();
    }
}

internal static class ChatBench
{
    private static readonly string[] Questions =
    [
        "What is the total budget of the project?",
        "Who is the project manager?",
        "When does the project end?",
        "What are the main risks?",
        "How many people will benefit?",
        "Which regions does the programme cover?",
        "How is the project monitored and evaluated?",
        "What are the expected outcomes?",
    ];

    public static async Task<int> RunAsync()
    {
        var requests = Env.Int("REQUESTS", 500);
        var concurrency = Env.Int("CONCURRENCY", 16);
        var gateway = new Uri(Env.Required("GATEWAY_URL").TrimEnd('/') + "/");
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("api-key", Env.Required("DEMO_API_KEY"));
        http.DefaultRequestHeaders.Add("api-secret", Env.Required("DEMO_API_SECRET"));
        http.DefaultRequestHeaders.ConnectionClose = false;

        var statuses = new ConcurrentDictionary<int, int>();
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var started = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var body = new { user_id = $"bench-user-{i % 50}", question = Questions[i % Questions.Length], format = "plain" };
                var start = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    using var response = await http.PostAsJsonAsync("api/v1/chatbot/chat", body);
                    await response.Content.ReadAsByteArrayAsync();
                    status = (int)response.StatusCode;
                }
                catch (HttpRequestException)
                {
                    status = 0;
                }

                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            }
        }));
        started.Stop();

        var sorted = latencies.OrderBy(l => l).ToList();
        var ok = statuses.GetValueOrDefault(200);
        Console.WriteLine($"/chat through the gateway: {requests:N0} requests, {concurrency} in flight, offline AI provider");
        Console.WriteLine($"statuses    {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "network error" : s.Key.ToString(CultureInfo.InvariantCulture))}: {s.Value}"))}");
        Console.WriteLine($"throughput  {ok / started.Elapsed.TotalSeconds:0.0} answered requests/s ({started.Elapsed.TotalSeconds:0.0} s)");
        Console.WriteLine($"latency     p50 {Env.Ms(Env.Percentile(sorted, 50))} ms, p95 {Env.Ms(Env.Percentile(sorted, 95))} ms, p99 {Env.Ms(Env.Percentile(sorted, 99))} ms");
        return ok == requests ? 0 : 1;
    }
}
