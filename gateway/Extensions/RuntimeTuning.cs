using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Platform.Gateway.Extensions;

/// <summary>
/// How the gateway runs its sockets (section <c>Gateway</c>). A proxy's work per request is short and never blocks, so
/// by default a socket's completion runs on the thread that saw the data arrive instead of being handed to a
/// thread-pool thread first: on a small machine each hand-off is a context switch, and those were the largest single
/// cost per proxied request (perf: about a sixth of the gateway's CPU in <c>finish_task_switch</c>). Measured with
/// <c>make bench-gateway</c> (README, Benchmarks).
/// </summary>
public sealed class RuntimeTuning
{
    public const string Section = "Gateway";

    /// <summary>.NET reads this variable once, when the first socket is created; set here unless the environment did.</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Socket completions run on the socket engine's threads (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>).
    /// Safe because nothing on the gateway's request path blocks a thread (Admin, Redis and PostgreSQL are all
    /// awaited). On by default; an explicit environment variable wins.
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    /// <summary>
    /// Kestrel's request processing also runs there (<see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>).
    /// Off by default: it saved a few more microseconds per request but, at 64 connections, let a busy socket thread
    /// hold up the others' requests (p99 of 44-83 ms against 7 ms without it).
    /// </summary>
    public bool InlineRequestProcessing { get; set; }

    /// <summary>Applies the settings that must be in place before the host starts (the socket engine reads them once).</summary>
    public static void ApplyBeforeStart(string[] args)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables().AddCommandLine(args).Build();
        var tuning = configuration.GetSection(Section).Get<RuntimeTuning>() ?? new RuntimeTuning();
        if (tuning.InlineSocketCompletions && Environment.GetEnvironmentVariable(InlineSocketCompletionsVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineSocketCompletionsVariable, "1");
        }
    }

    public static void AddRuntimeTuning(IHostApplicationBuilder builder)
    {
        var tuning = builder.Configuration.GetSection(Section).Get<RuntimeTuning>() ?? new RuntimeTuning();
        builder.Services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = tuning.InlineRequestProcessing);
    }
}
