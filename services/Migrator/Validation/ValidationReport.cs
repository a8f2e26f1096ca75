namespace Platform.Migrator.Validation;

internal sealed record FieldMismatch(string Row, string Column, string? Source, string? Target);

internal sealed class TableValidation
{
    public required string Name { get; init; }

    public required string Target { get; init; }

    public long SourceRows { get; set; }

    public long Orphans { get; set; }

    public long ExpectedRows { get; set; }

    public long TargetRows { get; set; }

    public bool CountMatches => ExpectedRows == TargetRows;

    public string SourceChecksum { get; set; } = "";

    public string TargetChecksum { get; set; } = "";

    public bool ChecksumMatches => SourceChecksum == TargetChecksum;

    public int Sampled { get; set; }

    public List<FieldMismatch> SampleMismatches { get; } = [];

    public long ZeroDates { get; set; }

    public long InvalidJson { get; set; }

    public List<string> InvalidJsonRows { get; set; } = [];

    public string? Skipped { get; set; }

    public bool Ok => Skipped is not null || (CountMatches && ChecksumMatches && SampleMismatches.Count == 0);
}

internal sealed record ForeignKeyCheck(string Table, string Constraint, bool Validated, long Violations)
{
    public bool Ok => Validated && Violations == 0;
}

internal sealed class ValidationReport
{
    public DateTime StartedAt { get; init; } = DateTime.UtcNow;

    public DateTime FinishedAt { get; set; }

    public string OnInvalidJson { get; set; } = "";

    public string Orphans { get; set; } = "";

    public List<TableValidation> Tables { get; } = [];

    public List<ForeignKeyCheck> ForeignKeys { get; } = [];

    public int DeferredNotRestored { get; set; }

    public List<string> Warnings { get; } = [];

    public bool Ok => Tables.All(t => t.Ok) && ForeignKeys.All(f => f.Ok) && DeferredNotRestored == 0;
}
