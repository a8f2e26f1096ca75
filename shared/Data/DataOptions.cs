using System.ComponentModel.DataAnnotations;

namespace Platform.Data;

/// <summary>Where an app's PostgreSQL schema lives, from <c>ConnectionStrings:Postgres</c>.</summary>
public sealed class DataOptions
{
    /// <summary>An Npgsql connection string for the app's own role. A password may come from <c>PGPASSFILE</c>.</summary>
    [Required(ErrorMessage = "Set ConnectionStrings:Postgres (Host=...;Port=...;Database=...;Username=...).")]
    public string? ConnectionString { get; set; }

    /// <summary>Apply the app's migrations at start (the default); off where a separate job migrates.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
