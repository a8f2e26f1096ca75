namespace Platform.Contracts;

/// <summary>Ops changed the share of a route group's traffic that goes to the new services.</summary>
public sealed record RolloutChanged
{
    /// <summary>The route group (admin, analyzer, chatbot, evaluator).</summary>
    public required string Route { get; init; }

    /// <summary>Percentage of clients (0..100) sent to the new services.</summary>
    public required int Weight { get; init; }

    /// <summary>The weight before the change.</summary>
    public int? PreviousWeight { get; init; }

    /// <summary>Who changed it (the API key id).</summary>
    public required string ChangedBy { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>When (UTC).</summary>
    public required DateTimeOffset ChangedAt { get; init; }
}
