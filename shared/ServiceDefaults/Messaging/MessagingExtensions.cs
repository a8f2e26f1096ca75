using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Messaging;

/// <summary>MassTransit on RabbitMQ, configured the same way for every app.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit over RabbitMQ: exponential retry then the endpoint's <c>_error</c> queue, queues named
    /// after the app (<c>admin-...</c>) so two apps consuming one event each get every message, and bus health in
    /// <c>/health/ready</c>. <paramref name="configure"/> adds the app's consumers.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var config = builder.Configuration;
        builder.Services.AddOptions<MessagingOptions>()
            .BindConfiguration(MessagingOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= config.GetConnectionString("RabbitMq"))
            .ValidateDataAnnotations()
            .Validate(o => TryParse(o.ConnectionString, out _), "ConnectionStrings:RabbitMq must be an amqp:// or amqps:// URI.")
            .ValidateOnStart();

        var serviceName = Extensions.ServiceName(builder);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configure?.Invoke(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                TryParse(options.ConnectionString, out var endpoint);
                rabbit.Host(endpoint!.Host, endpoint.Port, endpoint.VirtualHost, host =>
                {
                    host.Username(endpoint.Username);
                    host.Password(endpoint.Password);
                    if (endpoint.UseSsl)
                    {
                        host.UseSsl(ssl => ssl.ServerName = endpoint.Host);
                    }
                });
                rabbit.PrefetchCount = options.PrefetchCount;
                rabbit.UseMessageRetry(retry => retry.Exponential(
                    options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval));
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // Do not hold start-up hostage to the broker: readiness reports it until it connects.
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });

        return builder;
    }

    internal static bool TryParse(string? connectionString, out RabbitEndpoint? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri)
            || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            return false;
        }

        var useSsl = uri.Scheme == "amqps";
        var userInfo = uri.UserInfo.Split(':', 2);
        var vhost = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        endpoint = new RabbitEndpoint(
            uri.Host,
            (ushort)(uri.IsDefaultPort || uri.Port <= 0 ? (useSsl ? 5671 : 5672) : uri.Port),
            vhost.Length == 0 ? "/" : vhost,
            userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : "guest",
            userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : "guest",
            useSsl);
        return true;
    }

    internal sealed record RabbitEndpoint(
        string Host, ushort Port, string VirtualHost, string Username, string Password, bool UseSsl);
}
