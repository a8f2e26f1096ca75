using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>RabbitMQ connection and delivery policy, from <c>Messaging</c> and <c>ConnectionStrings:RabbitMq</c>.</summary>
public sealed class MessagingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Messaging";

    /// <summary>An <c>amqp://user:password@host:port/vhost</c> URI; defaults from <c>ConnectionStrings:RabbitMq</c>.</summary>
    [Required(ErrorMessage = "Set ConnectionStrings:RabbitMq (amqp://user:password@host:port/).")]
    public string? ConnectionString { get; set; }

    /// <summary>Immediate redeliveries of a failing message before it goes to the error queue.</summary>
    [Range(0, 20)]
    public int RetryLimit { get; set; } = 5;

    /// <summary>First retry delay; later ones grow exponentially up to <see cref="RetryMaxInterval"/>.</summary>
    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest retry delay.</summary>
    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messages fetched ahead per consumer endpoint.</summary>
    [Range(1, 1000)]
    public int PrefetchCount { get; set; } = 16;
}
