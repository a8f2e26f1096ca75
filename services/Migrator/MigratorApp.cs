using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MySqlConnector;
using Npgsql;
using Platform.Migrator.Cli;
using Platform.Migrator.Mapping;
using Platform.Migrator.Transfer;
using Platform.Migrator.Validation;
using Platform.ServiceDefaults.Identity;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Platform.Migrator;

/// <summary>The three verbs: migrate (then validate), validate, plan.</summary>
internal static class MigratorApp
{
    public const int Ok = 0, Mismatch = 1, BadUsage = 2, Failed = 3;

    private static readonly JsonSerializerOptions ReportJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        CliOptions options;
        try
        {
            options = CliOptions.Parse(args);
        }
        catch (UsageException ex)
        {
            if (ex.Message.Length > 0)
            {
                Console.Error.WriteLine("migrator: " + ex.Message);
            }

            Console.Error.WriteLine(CliOptions.Usage);
            return ex.Message.Length > 0 ? BadUsage : Ok;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Interactive = options.Quiet ? InteractionSupport.No : InteractionSupport.Detect,
            Ansi = options.Quiet ? AnsiSupport.No : AnsiSupport.Detect,
        });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }

        try
        {
            var mapping = MappingFile.Load(options.MappingPath);
            var tables = mapping.Tables.Where(t => options.Tables is null || options.Tables.Contains(t.Name)).ToList();
            if (options.Tables is not null && options.Tables.Except(tables.Select(t => t.Name)).FirstOrDefault() is { } unknown)
            {
                throw new UsageException($"--tables: no mapping named '{unknown}'");
            }

            var target = new TargetDatabase(options.Target);
            return options.Verb switch
            {
                "plan" => await PlanAsync(console, options, mapping, tables, target, ct),
                "validate" => await ValidateAsync(console, options, mapping, tables, target, ct),
                _ => await MigrateAsync(console, options, mapping, tables, target, ct),
            };
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine("migrator: " + ex.Message);
            return BadUsage;
        }
        catch (Exception ex) when (ex is InvalidJsonException or OrphanRowsException or TooManyDeletesException or InvalidDataException
            or InvalidOperationException or MySqlException or NpgsqlException or IOException)
        {
            Console.Error.WriteLine("migrator: failed: " + ex.Message);
            return Failed;
        }
    }

    private static async Task<TransferSettings> SettingsAsync(CliOptions options, MappingFile mapping, IEnumerable<TableMapping> tables, TargetDatabase target, bool remember, CancellationToken ct)
    {
        // validate maps invalid JSON as the migration did, unless told otherwise
        var stored = await target.SettingAsync("on_invalid_json", ct);
        var policy = options.JsonPolicy
            ?? (stored is null ? InvalidJsonPolicy.Fail : Enum.Parse<InvalidJsonPolicy>(stored, ignoreCase: true));
        if (remember)
        {
            await target.EnsureStateTablesAsync(ct);
            await target.SaveSettingAsync("on_invalid_json", policy.ToString().ToLowerInvariant(), ct);
        }

        ApiCredentialHash? hasher = null;
        if (tables.Any(RowMapper.NeedsPepper))
        {
            var pepper = Environment.GetEnvironmentVariable(options.PepperEnv);
            if (string.IsNullOrEmpty(pepper))
            {
                throw new UsageException($"API keys are hashed with Admin's pepper: set it in the environment variable {options.PepperEnv} (--pepper-env names another)");
            }

            hasher = new ApiCredentialHash(pepper);
        }

        return new TransferSettings(
            options.Source, mapping.Namespace, policy, hasher, options.BatchSize, options.MaxRowsPerSecond, options.FailOnOrphans,
            options.PropagateDeletes, options.MaxDeleteFraction);
    }

    private static async Task<List<TableMapping>> RunnableAsync(IAnsiConsole console, List<TableMapping> tables, TargetDatabase target, List<string> warnings, CancellationToken ct)
    {
        var runnable = new List<TableMapping>();
        await using var pg = await target.OpenAsync(ct);
        foreach (var table in tables)
        {
            if (table.Requires is not null && !await TargetDatabase.TableExistsAsync(pg, table.Requires, ct))
            {
                warnings.Add($"{table.Name}: skipped, target table {table.Requires} does not exist yet (its owner has not created it); run again once it does");
                continue;
            }

            runnable.Add(table);
        }

        foreach (var warning in warnings)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        return runnable;
    }

    private static async Task<int> MigrateAsync(IAnsiConsole console, CliOptions options, MappingFile mapping, List<TableMapping> tables, TargetDatabase target, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        if (options.ApplySchema)
        {
            var applied = target.ApplyOwnerMigrations(tables.Select(t => t.TargetSchema));
            console.MarkupLineInterpolated($"target schemas: {applied.Count} owner migration(s) applied");
        }

        var settings = await SettingsAsync(options, mapping, tables, target, remember: true, ct);
        var warnings = new List<string>();
        var runnable = await RunnableAsync(console, tables, target, warnings, ct);
        var checkpoints = await target.CheckpointsAsync(ct);

        // a first (bulk) load writes without secondary indexes and foreign keys, and puts them back at the end
        var firstLoads = runnable.Where(t => t.Mode == "copy" && !(checkpoints.GetValueOrDefault(t.Name)?.BulkDone ?? false))
            .Select(t => t.Target).ToList();
        var deferred = await target.DeferIndexesAsync(firstLoads, ct);

        DateTime sourceNow;
        await using (var my = await TableTransfer.OpenSourceAsync(options.Source, ct))
        await using (var cmd = new MySqlCommand("SELECT NOW(6)", my))
        {
            sourceNow = await cmd.ExecuteScalarAsync(ct) switch
            {
                MySqlDateTime my6 => my6.GetDateTime(),
                DateTime dt => dt,
                var other => throw new InvalidOperationException($"NOW() returned {other}"),
            };
        }

        var progress = runnable.ToDictionary(t => t.Name, t => new TableProgress(t.Name), StringComparer.Ordinal);
        var results = new List<TableResult>();
        var run = RunTablesAsync(runnable, target, settings, checkpoints, progress, sourceNow, options.Parallel, results, ct);
        await ShowProgressAsync(console, options.Quiet, runnable, progress, run);
        await run;

        // then the legacy deletions, one table at a time in mapping order (parents first: see PropagateDeletesAsync)
        foreach (var t in runnable)
        {
            var (deleted, note) = await new TableTransfer(t, target, settings, progress[t.Name]).PropagateDeletesAsync(checkpoints.GetValueOrDefault(t.Name), ct);
            var index = results.FindIndex(r => r.Name == t.Name);
            results[index] = results[index] with { Deleted = deleted, Note = note };
        }

        var restored = await target.RestoreIndexesAsync(ct);
        var copySeconds = clock.Elapsed.TotalSeconds;
        var table = new Table().AddColumns("table", "target", "new rows", "changed rows", "deleted rows", "orphans skipped", "zero dates", "invalid JSON", "time", "rows/s");
        foreach (var r in results.OrderBy(r => runnable.FindIndex(t => t.Name == r.Name)))
        {
            var rate = r.Elapsed.TotalSeconds > 0 ? (r.Copied + r.Updated) / r.Elapsed.TotalSeconds : 0;
            table.AddRow(r.Name, r.Target, N(r.Copied), N(r.Updated), N(r.Deleted), N(r.Orphans), N(r.ZeroDates), N(r.InvalidJson),
                $"{r.Elapsed.TotalSeconds:0.0}s", N((long)rate));
            if (r.Note is not null)
            {
                console.MarkupLineInterpolated($"[yellow]note:[/] {r.Name}: {r.Note}");
            }

            foreach (var row in r.InvalidJsonRows.Take(20))
            {
                console.MarkupLineInterpolated($"[yellow]invalid JSON[/] {r.Name} row {row} ({settings.JsonPolicy.ToString().ToLowerInvariant()})");
            }
        }

        console.Write(table);
        var total = results.Sum(r => r.Copied + r.Updated);
        console.MarkupLineInterpolated($"migrated {N(total)} rows in {copySeconds:0.0}s ({N((long)(total / Math.Max(copySeconds, 0.001)))} rows/s); indexes and foreign keys set aside and restored: {deferred}/{restored}");
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MIGRATE rows={total} seconds={copySeconds:0.000} deleted={results.Sum(r => r.Deleted)}"));

        if (!options.Validate)
        {
            return Ok;
        }

        return await ValidateAsync(console, options, mapping, tables, target, ct);
    }

    private static async Task RunTablesAsync(
        List<TableMapping> tables, TargetDatabase target, TransferSettings settings, Dictionary<string, Checkpoint> checkpoints,
        Dictionary<string, TableProgress> progress, DateTime sourceNow, int parallel, List<TableResult> results, CancellationToken ct)
    {
        using var slots = new SemaphoreSlim(parallel);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var before = table.After.Where(tasks.ContainsKey).Select(a => tasks[a]).ToArray();
            tasks[table.Name] = Task.Run(async () =>
            {
                await Task.WhenAll(before);
                await slots.WaitAsync(failed.Token);
                try
                {
                    var result = await new TableTransfer(table, target, settings, progress[table.Name])
                        .RunAsync(checkpoints.GetValueOrDefault(table.Name), sourceNow, failed.Token);
                    lock (results)
                    {
                        results.Add(result);
                    }
                }
                catch
                {
                    await failed.CancelAsync();
                    throw;
                }
                finally
                {
                    slots.Release();
                }
            }, failed.Token);
        }

        try
        {
            await Task.WhenAll(tasks.Values);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // another table failed first: report that failure
            var first = tasks.Values.Select(t => t.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException);
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }

            throw;
        }
    }

    private static async Task ShowProgressAsync(IAnsiConsole console, bool quiet, List<TableMapping> tables, Dictionary<string, TableProgress> progress, Task run)
    {
        if (quiet || !console.Profile.Capabilities.Interactive)
        {
            // one line per table as it finishes (CI logs)
            var reported = new HashSet<string>(StringComparer.Ordinal);
            while (true)
            {
                var finished = run.IsCompleted;
                foreach (var p in progress.Values.Where(p => p.Phase == "done" && reported.Add(p.Name)))
                {
                    console.WriteLine($"{p.Name}: {p.Done:N0} rows");
                }

                if (finished)
                {
                    return;
                }

                await Task.WhenAny(run, Task.Delay(500));
            }
        }

        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RowsPerSecondColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = tables.ToDictionary(t => t.Name, t => ctx.AddTask(t.Name, autoStart: false), StringComparer.Ordinal);
                while (true)
                {
                    var finished = run.IsCompleted;
                    foreach (var (name, task) in tasks)
                    {
                        var p = progress[name];
                        if (p.Phase != "waiting" && !task.IsStarted)
                        {
                            task.StartTask();
                        }

                        task.MaxValue = Math.Max(1, Math.Max(p.Total, p.Done));
                        task.Value = p.Done;
                        if (p.Phase == "done")
                        {
                            task.Value = task.MaxValue;
                            task.StopTask();
                        }
                    }

                    if (finished)
                    {
                        return;
                    }

                    await Task.WhenAny(run, Task.Delay(200));
                }
            });
    }

    private static async Task<int> ValidateAsync(IAnsiConsole console, CliOptions options, MappingFile mapping, List<TableMapping> tables, TargetDatabase target, CancellationToken ct)
    {
        var settings = await SettingsAsync(options, mapping, tables, target, remember: false, ct);
        var report = new ValidationReport
        {
            OnInvalidJson = settings.JsonPolicy.ToString().ToLowerInvariant(),
            Orphans = options.FailOnOrphans ? "fail" : "skip",
        };
        var validator = new Validator(target, settings, options.Samples);
        using var slots = new SemaphoreSlim(options.Parallel);
        var checks = tables.Select(async t =>
        {
            await slots.WaitAsync(ct);
            try
            {
                return await validator.ValidateTableAsync(t, ct);
            }
            finally
            {
                slots.Release();
            }
        }).ToList();
        report.Tables.AddRange(await Task.WhenAll(checks));
        report.ForeignKeys.AddRange(await validator.CheckForeignKeysAsync(
            report.Tables.Where(t => t.Skipped is null).Select(t => t.Target), ct));
        report.DeferredNotRestored = await target.PendingDeferredAsync(ct);
        report.Warnings.AddRange(report.Tables.Where(t => t.Skipped is not null).Select(t => $"{t.Name}: {t.Skipped}"));
        report.FinishedAt = DateTime.UtcNow;
        await File.WriteAllTextAsync(options.ReportPath, JsonSerializer.Serialize(report, ReportJson), ct);

        var summary = new Table().AddColumns("table", "legacy rows", "orphans", "expected", "target rows", "checksum", "sampled", "field mismatches", "zero dates", "invalid JSON", "");
        foreach (var t in report.Tables)
        {
            summary.AddRow(
                Markup.Escape(t.Name), N(t.SourceRows), N(t.Orphans), N(t.ExpectedRows), N(t.TargetRows),
                t.Skipped is not null ? "-" : t.ChecksumMatches ? "match" : "[red]DIFFERS[/]",
                N(t.Sampled), t.SampleMismatches.Count == 0 ? "0" : $"[red]{t.SampleMismatches.Count}[/]",
                N(t.ZeroDates), N(t.InvalidJson),
                t.Skipped is not null ? "[yellow]skipped[/]" : t.Ok ? "[green]ok[/]" : "[red]MISMATCH[/]");
        }

        console.Write(summary);
        foreach (var t in report.Tables)
        {
            foreach (var m in t.SampleMismatches.Take(10))
            {
                console.MarkupLineInterpolated($"[red]{t.Name}[/] row {m.Row} column {m.Column}: legacy {m.Source} / target {m.Target}");
            }
        }

        foreach (var fk in report.ForeignKeys.Where(f => !f.Ok))
        {
            console.MarkupLineInterpolated($"[red]foreign key[/] {fk.Table} {fk.Constraint}: validated={fk.Validated}, {fk.Violations} row(s) without parent");
        }

        if (report.DeferredNotRestored > 0)
        {
            console.MarkupLineInterpolated($"[red]{report.DeferredNotRestored} index(es)/foreign key(s) set aside by an unfinished migrate are not restored: run migrate again[/]");
        }

        console.MarkupLineInterpolated($"foreign keys checked: {report.ForeignKeys.Count}; report: {Path.GetFullPath(options.ReportPath)}");
        console.MarkupLine(report.Ok ? "[green]VALIDATION OK[/]" : "[red]VALIDATION FAILED[/]");
        return report.Ok ? Ok : Mismatch;
    }

    private static async Task<int> PlanAsync(IAnsiConsole console, CliOptions options, MappingFile mapping, List<TableMapping> tables, TargetDatabase target, CancellationToken ct)
    {
        var warnings = new List<string>();
        var checkpoints = await target.CheckpointsAsync(ct);
        await using var my = await TableTransfer.OpenSourceAsync(options.Source, ct);
        await using var pg = await target.OpenAsync(ct);

        var legacyTables = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using (var cmd = new MySqlCommand("SELECT TABLE_NAME, COALESCE(TABLE_ROWS, 0) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'", my))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                legacyTables[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
            }
        }

        foreach (var unmapped in legacyTables.Keys.Where(n => mapping.Tables.All(t => !t.Source.Equals(n, StringComparison.OrdinalIgnoreCase))))
        {
            warnings.Add($"legacy table {unmapped} is not in the mapping and will not be copied");
        }

        var grid = new Table().AddColumns("mapping", "legacy table", "target", "rows (estimate)", "mode", "state");
        foreach (var table in tables)
        {
            legacyTables.TryGetValue(table.Source, out var estimate);
            if (!legacyTables.ContainsKey(table.Source))
            {
                warnings.Add($"{table.Name}: legacy table {table.Source} does not exist");
            }

            var exists = await TargetDatabase.TableExistsAsync(pg, table.Target, ct);
            if (table.Requires is not null && !await TargetDatabase.TableExistsAsync(pg, table.Requires, ct))
            {
                warnings.Add($"{table.Name}: target table {table.Requires} does not exist yet: skipped until its owner creates it");
            }
            else if (!exists)
            {
                warnings.Add($"{table.Name}: target {table.Target} does not exist yet: migrate applies the owner's migrations first");
            }

            var cp = checkpoints.GetValueOrDefault(table.Name);
            var state = cp switch
            {
                null => "bulk copy",
                { BulkDone: false } => $"resume after key {cp.LastKey}",
                { SyncFrom: not null } when table.UpdatedAt is not null => $"delta: keys after {cp.LastKey}, changed since {cp.SyncFrom:u}",
                _ when table.Mode == "upsert" => "re-sync (upsert)",
                _ => $"delta: keys after {cp.LastKey}",
            };
            if (cp is { BulkDone: true } && KeyLedger.Supports(table, out _))
            {
                state += !options.PropagateDeletes ? "; legacy deletions kept (--deletes keep)"
                    : cp.Ledger ? $"; legacy deletions followed (at most {options.MaxDeleteFraction.ToString(CultureInfo.InvariantCulture)} of its rows)"
                    : "; legacy deletions not followed (no key ledger)";
            }
            grid.AddRow(Markup.Escape(table.Name), Markup.Escape(table.Source), Markup.Escape(table.Target), N(estimate), table.Mode, Markup.Escape(state));
        }

        console.Write(grid);
        foreach (var table in tables)
        {
            var columns = new Table().Title(Markup.Escape($"{table.Source} -> {table.Target}")).AddColumns("target column", "from", "conversion");
            foreach (var (name, spec) in table.Columns)
            {
                var detail = spec.Kind switch
                {
                    "id" => $"UUIDv5({spec.Table ?? table.Source}, id)",
                    "ref" => $"UUIDv5({spec.Table}, id)",
                    "timestamptz" => "DATETIME (UTC) -> timestamptz; zero date -> " + (spec.Fallback is null ? "NULL" : spec.Fallback)
                        + (spec.OnlyWhenFalse is null ? "" : $"; only when {spec.OnlyWhenFalse} is false"),
                    "jsonb" => "JSON -> jsonb; invalid -> --on-invalid-json" + (spec.Default is null ? "" : $"; NULL -> {spec.Default.ToJsonString()}"),
                    "enum" => "ENUM -> text" + (spec.Values.Count == 0 ? "" : " (" + string.Join(", ", spec.Values.Select(v => $"{v.Key}->{v.Value}")) + ")"),
                    "bool" => "TINYINT(1) -> boolean",
                    "csv" => "comma-separated -> text[]",
                    "key-hash" or "secret-hash" => "HMAC-SHA256 with ApiKeys:Pepper (as Admin)",
                    _ => spec.Kind,
                };
                columns.AddRow(Markup.Escape(name), Markup.Escape(spec.Kind == "const" ? "-" : spec.From ?? name), Markup.Escape(detail));
            }

            if (table.Parents.Count > 0)
            {
                columns.Caption(Markup.Escape("orphans checked: " + string.Join(", ", table.Parents.Select(p => $"{p.Column} -> {p.Table}.{p.Key}"))));
            }

            console.Write(columns);
        }

        foreach (var warning in warnings)
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {warning}");
        }

        console.MarkupLine("plan only: nothing was written");
        return Ok;
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private sealed class RowsPerSecondColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{speed.ToString("N0", CultureInfo.InvariantCulture)} rows/s" : "", new Style(Color.Grey));
    }
}
