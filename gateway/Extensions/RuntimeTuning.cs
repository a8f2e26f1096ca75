using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Platform.Gateway.Extensions;

/// <summary>
/// How the gateway runs its sockets (section <c>Gateway</c>). A socket's completion can run on the thread that saw the
/// data arrive instead of being handed to a thread-pool thread first: on a small machine each hand-off is a context
/// switch, and those were the largest single cost per proxied request (perf: about a sixth of the gateway's CPU in
/// <c>finish_task_switch</c>). Socket completions and Kestrel's request processing run inline by default.
/// </summary>
public sealed class RuntimeTuning
{
    public const string Section = "Gateway";

    /// <summary>.NET reads this variable once, when the first socket is created; set here unless the environment did.</summary>
    public const string InlineSocketCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Socket completions run on the socket engine's threads (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>;
    /// an explicit environment variable wins): on by default, as it takes about 10 us of CPU off every proxied request at
    /// 64 connections in <c>make bench-gateway</c> (no gain at 16). Everything the gateway runs after a socket operation must then stay asynchronous: a
    /// synchronous wait there holds up every socket of that engine. (It was opt-in for a while: the Web UI's sign-in
    /// through the gateway stalled in clean-clone test runs with it on; the same stall was then seen with it off, and
    /// ended when the Web UI's home page bounded its health calls to the gateway.)
    /// </summary>
    public bool InlineSocketCompletions { get; set; } = true;

    /// <summary>
    /// Kestrel's request processing also runs there (<see cref="SocketTransportOptions.UnsafePreferInlineScheduling"/>):
    /// on by default since the seventh session, when interleaved <c>make bench-gateway</c> runs measured 26-33 us of
    /// CPU per proxied request with it against 29-35 without (1.01-1.10x bare YARP's RPS against 0.96-1.00x), with p99
    /// at 64 connections of 4.4-5.2 ms. (It had been opt-in after a run on 2026-11-25 saw p99 of 44-83 ms at 64
    /// connections with it, not seen since.) The same rule as for socket completions holds, more strictly: a request's
    /// code must not block, or the other connections of that socket thread wait.
    /// </summary>
    public bool InlineRequestProcessing { get; set; } = true;

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
