using MassTransit;
using Microsoft.Extensions.Options;

namespace Platform.Jobs;

/// <summary>
/// Endpoint of a <see cref="JobConsumer{TMessage}"/>: the queue its commands are sent to (see
/// <see cref="JobsBuilder.AddJob{TCommand, TCompleted}"/>), <see cref="JobsOptions.ConsumerConcurrency"/> messages at
/// once (also the prefetch, so idle workers get work instead of a busy one hoarding it) and
/// <see cref="JobsOptions.RetryLimit"/> exponential retries before the job fails and the message goes to the error
/// queue. A service that needs more derives from it and registers with
/// <see cref="JobsExtensions.AddJobConsumer{TConsumer, TDefinition}"/>.
/// </summary>
public class JobConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    private readonly JobsOptions options;

    /// <summary>Creates the definition (resolved by MassTransit from dependency injection).</summary>
    public JobConsumerDefinition(IOptions<JobsOptions> options, JobRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        this.options = options.Value;
        EndpointName = registry.ForCommand(MessageTypeOf(typeof(TConsumer))).Queue;
        ConcurrentMessageLimit = this.options.ConsumerConcurrency;
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        // The innermost retry policy decides; JobConsumer fails the job when GetRetryAttempt() reaches RetryLimit.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            if (options.RetryLimit == 0)
            {
                retry.None();
            }
            else
            {
                retry.Exponential(options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval);
            }
        });

        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.PrefetchCount = options.ConsumerConcurrency;
        }
    }

    internal static Type MessageTypeOf(Type consumer)
    {
        for (var type = consumer; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(JobConsumer<>))
            {
                return type.GetGenericArguments()[0];
            }
        }

        throw new InvalidOperationException($"{consumer.Name} does not derive from JobConsumer<TMessage>.");
    }
}
