using System.ClientModel;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Platform.AI;

/// <summary>
/// The Polly pipeline every model call runs through, outermost first: a concurrency limiter (one per provider, calls
/// beyond <see cref="AiOptions.MaxConcurrency"/> queue), a timeout over the whole call, retries with exponential
/// back-off and jitter on 408/429/5xx and network errors (a <c>Retry-After</c> from the provider wins), and a circuit
/// breaker. The SDKs' own retries are switched off, so this is the only retry layer.
/// </summary>
internal static partial class AiResilience
{
    /// <summary>The circuit opens when at least this share of the sampled attempts failed...</summary>
    internal const double FailureRatio = 0.5;

    /// <summary>...and at least this many attempts were sampled...</summary>
    internal const int MinimumThroughput = 8;

    /// <summary>...within this window.</summary>
    internal static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);

    public static ResiliencePipeline Build(AiOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        var provider = options.ProviderName;
        var builder = new ResiliencePipelineBuilder { Name = $"ai-{provider}" };
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }

        builder.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.MaxConcurrency,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = options.Timeout,
            OnTimeout = args =>
            {
                LogTimeout(logger, provider, args.Timeout.TotalMilliseconds);
                return default;
            },
        });

        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception)),
                OnRetry = args =>
                {
                    LogRetry(logger, provider, args.AttemptNumber + 1, StatusOf(args.Outcome.Exception), args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            BreakDuration = options.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome.Exception)),
            OnOpened = args =>
            {
                LogCircuitOpened(logger, provider, args.BreakDuration.TotalSeconds);
                return default;
            },
            OnClosed = _ =>
            {
                LogCircuitClosed(logger, provider);
                return default;
            },
        });

        return builder.Build();
    }

    /// <summary>Worth another try: rate limited, server-side failure, request timeout or no response at all.</summary>
    internal static bool IsTransient(Exception? exception) => exception switch
    {
        ClientResultException e => e.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException => true,
        IOException => true,
        _ => false,
    };

    /// <summary>
    /// The wait the provider asked for (<c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c> in
    /// seconds or as a date), capped at a minute; null lets the back-off decide.
    /// </summary>
    internal static TimeSpan? RetryAfter(Exception? exception)
    {
        if (exception is not ClientResultException e || e.GetRawResponse() is not { } response)
        {
            return null;
        }

        var headers = response.Headers;
        TimeSpan? wait = null;
        if ((headers.TryGetValue("retry-after-ms", out var ms) || headers.TryGetValue("x-ms-retry-after-ms", out ms))
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
        {
            wait = TimeSpan.FromMilliseconds(millis);
        }
        else if (headers.TryGetValue("Retry-After", out var value) && value is not null)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                wait = TimeSpan.FromSeconds(seconds);
            }
            else if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var delta = at - DateTimeOffset.UtcNow;
                wait = delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
            }
        }

        return wait is { } w && w > MaxRetryDelay ? MaxRetryDelay : wait;
    }

    private static int StatusOf(Exception? exception) => exception is ClientResultException e ? e.Status : 0;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model call to {Provider} failed with status {Status}; try {Attempt} in {DelayMs} ms")]
    private static partial void LogRetry(ILogger logger, string provider, int attempt, int status, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model call to {Provider} timed out after {TimeoutMs} ms")]
    private static partial void LogTimeout(ILogger logger, string provider, double timeoutMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Circuit to {Provider} opened for {BreakSeconds} s after repeated failures")]
    private static partial void LogCircuitOpened(ILogger logger, string provider, double breakSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Circuit to {Provider} closed again")]
    private static partial void LogCircuitClosed(ILogger logger, string provider);
}
