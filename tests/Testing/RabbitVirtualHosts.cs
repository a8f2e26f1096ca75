using System.Diagnostics;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// A broker virtual host per test run, named like the run's database: several fleets (the integration and browser
/// test projects of one <c>make test</c>, or two people's runs) then never consume each other's messages. Made and
/// removed with the local node's <c>rabbitmqctl</c> (environment from <c>.local/rabbitmq/env</c>, written by
/// deploy/local/up.sh); the definitions travel on stdin, so no password reaches a command line.
/// </summary>
public static class RabbitVirtualHosts
{
    private static string EnvFile => Path.Combine(TestEnvironment.LocalDir, "rabbitmq", "env");

    /// <summary>Creates <paramref name="name"/> with full rights for the project's broker user (idempotent).</summary>
    public static async Task CreateAsync(string name)
    {
        var user = TestEnvironment.Secret("RABBITMQ_USER");
        var definitions = JsonSerializer.Serialize(new
        {
            vhosts = new[] { new { name } },
            permissions = new[] { new { user, vhost = name, configure = ".*", write = ".*", read = ".*" } },
        });
        await RunAsync("import_definitions --format json", definitions);
    }

    /// <summary>Deletes <paramref name="name"/> and everything in it; a missing vhost is not an error.</summary>
    public static async Task DeleteAsync(string name)
    {
        try
        {
            await RunAsync($"delete_vhost '{name}'", null);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("does_not_exist", StringComparison.Ordinal) || e.Message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
        }
    }

    /// <summary>Test vhosts (prefix <see cref="TestEnvironment.DatabasePrefix"/>) of runs that have ended.</summary>
    public static async Task DeleteAbandonedAsync()
    {
        var listed = await RunAsync("list_vhosts --silent --no-table-headers name", null);
        foreach (var vhost in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (TestEnvironment.IsAbandoned(vhost))
            {
                await DeleteAsync(vhost);
            }
        }
    }

    private static async Task<string> RunAsync(string arguments, string? stdin)
    {
        if (!File.Exists(EnvFile))
        {
            throw new InvalidOperationException($"{EnvFile} does not exist: start the local servers with deploy/local/up.sh (make test does).");
        }

        var info = new ProcessStartInfo("bash", ["-c", $". '{EnvFile}' && exec /usr/sbin/rabbitmqctl {arguments}"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Cannot start rabbitmqctl.");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {arguments.Split(' ')[0]} failed ({process.ExitCode}): {await error} {await output}");
        }

        return await output;
    }
}
