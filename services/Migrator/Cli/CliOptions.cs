using System.Globalization;
using Platform.Migrator.Mapping;

namespace Platform.Migrator.Cli;

internal sealed class UsageException(string message) : Exception(message);

/// <summary>The command line: a verb and --options. Secrets (the pepper) come from the environment only.</summary>
internal sealed class CliOptions
{
    public const string Usage = """
        usage: migrator <migrate|validate|plan> --source <MySQL connection string> --target <PostgreSQL connection string> [options]

          --source, --target       connection strings (or MIGRATOR_SOURCE / MIGRATOR_TARGET in the environment)
          --mapping FILE           the mapping (default: mapping.json next to the tool)
          --tables a,b             only these mappings
          --parallel N             tables copied at the same time (default 4)
          --batch-size N           rows per committed batch and checkpoint (default 20000)
          --max-rows-per-second N  per table, to spare a busy source (default 0 = unlimited)
          --on-invalid-json MODE   fail (default) | null | wrap   (every invalid value is reported with its row key)
          --orphans MODE           skip (default; reported) | fail
          --deletes MODE           propagate (default): a later run deletes the rows it migrated whose legacy row is gone
                                   (children too, by the owners' ON DELETE CASCADE) | keep
          --max-delete-fraction F  stop, deleting nothing, when more than this share of a table's migrated rows is gone
                                   (and more than 10 rows): a wrong --source must not empty the target (default 0.1)
          --pepper-env NAME        environment variable with Admin's ApiKeys:Pepper (default ApiKeys__Pepper)
          --samples N              random records per table compared field by field (default 100)
          --report FILE            validation report as JSON (default migration-report.json)
          --no-validate            migrate without the final validation
          --skip-schema            do not apply the owners' migrations to the target
          --quiet                  no live progress (CI)
        exit status: 0 ok, 1 validation found differences, 2 usage, 3 the run failed
        """;

    public required string Verb { get; init; }

    public required string Source { get; init; }

    public required string Target { get; init; }

    public string MappingPath { get; init; } = MappingFile.DefaultPath;

    public IReadOnlySet<string>? Tables { get; init; }

    public int Parallel { get; init; } = 4;

    public int BatchSize { get; init; } = 20000;

    public int MaxRowsPerSecond { get; init; }

    public InvalidJsonPolicy? JsonPolicy { get; init; }

    public bool FailOnOrphans { get; init; }

    public bool PropagateDeletes { get; init; } = true;

    public double MaxDeleteFraction { get; init; } = 0.1;

    public string PepperEnv { get; init; } = "ApiKeys__Pepper";

    public int Samples { get; init; } = 100;

    public string ReportPath { get; init; } = "migration-report.json";

    public bool Validate { get; init; } = true;

    public bool ApplySchema { get; init; } = true;

    public bool Quiet { get; init; }

    public static CliOptions Parse(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            throw new UsageException("");
        }

        var verb = args[0];
        if (verb is not ("migrate" or "validate" or "plan"))
        {
            throw new UsageException($"unknown verb '{verb}'");
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        string[] flagNames = ["--quiet", "--no-validate", "--skip-schema"];
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (flagNames.Contains(arg))
            {
                flags.Add(arg);
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = arg.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    values[arg[..eq]] = arg[(eq + 1)..];
                }
                else if (i + 1 < args.Length)
                {
                    values[arg] = args[++i];
                }
                else
                {
                    throw new UsageException($"{arg} needs a value");
                }
            }
            else
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
        }

        string[] known = ["--source", "--target", "--mapping", "--tables", "--parallel", "--batch-size", "--max-rows-per-second",
            "--on-invalid-json", "--orphans", "--deletes", "--max-delete-fraction", "--pepper-env", "--samples", "--report"];
        foreach (var key in values.Keys.Where(k => !known.Contains(k)))
        {
            throw new UsageException($"unknown option {key}");
        }

        string Get(string name, string env) =>
            values.GetValueOrDefault(name) ?? Environment.GetEnvironmentVariable(env)
            ?? throw new UsageException($"{name} is required (or {env} in the environment)");
        int Int(string name, int fallback, int min)
        {
            if (!values.TryGetValue(name, out var text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new UsageException($"{name} must be a whole number >= {min}, got '{text}'");
        }

        InvalidJsonPolicy? policy = values.GetValueOrDefault("--on-invalid-json") switch
        {
            null => null,
            "fail" => InvalidJsonPolicy.Fail,
            "null" => InvalidJsonPolicy.Null,
            "wrap" => InvalidJsonPolicy.Wrap,
            var other => throw new UsageException($"--on-invalid-json must be fail, null or wrap, got '{other}'"),
        };
        var orphans = values.GetValueOrDefault("--orphans", "skip");
        if (orphans is not ("skip" or "fail"))
        {
            throw new UsageException($"--orphans must be skip or fail, got '{orphans}'");
        }

        var deletes = values.GetValueOrDefault("--deletes", "propagate");
        if (deletes is not ("propagate" or "keep"))
        {
            throw new UsageException($"--deletes must be propagate or keep, got '{deletes}'");
        }

        var maxDeleteFraction = 0.1;
        if (values.TryGetValue("--max-delete-fraction", out var fraction)
            && !(double.TryParse(fraction, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out maxDeleteFraction) && maxDeleteFraction is >= 0 and <= 1))
        {
            throw new UsageException($"--max-delete-fraction must be a number from 0 to 1, got '{fraction}'");
        }

        return new CliOptions
        {
            Verb = verb,
            Source = Get("--source", "MIGRATOR_SOURCE"),
            Target = Get("--target", "MIGRATOR_TARGET"),
            MappingPath = values.GetValueOrDefault("--mapping", MappingFile.DefaultPath),
            Tables = values.TryGetValue("--tables", out var tables)
                ? tables.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal)
                : null,
            Parallel = Int("--parallel", 4, 1),
            BatchSize = Int("--batch-size", 20000, 1),
            MaxRowsPerSecond = Int("--max-rows-per-second", 0, 0),
            JsonPolicy = policy,
            FailOnOrphans = orphans == "fail",
            PropagateDeletes = deletes == "propagate",
            MaxDeleteFraction = maxDeleteFraction,
            PepperEnv = values.GetValueOrDefault("--pepper-env", "ApiKeys__Pepper"),
            Samples = Int("--samples", 100, 0),
            ReportPath = values.GetValueOrDefault("--report", "migration-report.json"),
            Validate = !flags.Contains("--no-validate"),
            ApplySchema = !flags.Contains("--skip-schema"),
            Quiet = flags.Contains("--quiet"),
        };
    }
}
