using System.Diagnostics;
using System.Net;

namespace Platform.Testing;

/// <summary>
/// One app of the fleet running as a real process from its build output, on its own port, with its output kept in
/// a log file next to the test results so a failing start can be diagnosed.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;

    private AppProcess(string name, int port, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        Port = port;
        this.process = process;
        this.log = log;
        LogPath = logPath;
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Name { get; }

    public int Port { get; }

    public string LogPath { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public HttpClient Client { get; }

    public bool HasExited => process.HasExited;

    /// <summary>Starts the project file <paramref name="project"/> (relative to the repository root) from its build output.</summary>
    public static AppProcess Start(string name, string project, int port, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var projectDir = Path.GetDirectoryName(Path.Combine(TestEnvironment.RepoRoot, project))!;
        var assemblyName = Path.GetFileNameWithoutExtension(project);
        var dll = Path.Combine(projectDir, "bin", TestEnvironment.BuildConfiguration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built: build the solution first (make test does).", dll);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_gcServer"] = "0";
        // Every request with its duration in the app's log (see SlowRequests): what a test that timed out waited for.
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var logDir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fleet-logs");
        Directory.CreateDirectory(logDir);
        var logPath = Path.Combine(logDir, $"{name}-{port}.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new AppProcess(name, port, process, log, logPath);
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200, failing with the app's log past the ceiling.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan ceiling)
    {
        var deadline = DateTime.UtcNow + ceiling;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode} during start.\n{Tail()}");
            }

            try
            {
                using var response = await Client.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}";
            }
            catch (HttpRequestException ex)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{Name} was not ready within {ceiling.TotalSeconds} s (last: {last}).\n{Tail()}");
    }

    /// <summary>Waits for the process to end by itself; null if it is still running past the ceiling.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan ceiling)
    {
        using var timeout = new CancellationTokenSource(ceiling);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// The requests the app took at least <paramref name="threshold"/> to answer, from its request log (ASP.NET Core's
    /// hosting diagnostics, on for every app the tests start), oldest first: for a test that timed out waiting.
    /// </summary>
    public IReadOnlyList<string> SlowRequests(TimeSpan threshold)
    {
        log.Flush();
        var slow = new List<string>();
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (!line.Contains("\"Request finished", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                using var entry = System.Text.Json.JsonDocument.Parse(line);
                var root = entry.RootElement;
                if (root.TryGetProperty("State", out var state) && state.TryGetProperty("ElapsedMilliseconds", out var elapsed)
                    && elapsed.TryGetDouble(out var ms) && ms >= threshold.TotalMilliseconds)
                {
                    slow.Add($"{root.GetProperty("Timestamp").GetString()} {Name}: {root.GetProperty("Message").GetString()}");
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // Not one of the app's JSON log lines.
            }
        }

        return slow;
    }

    /// <summary>The last lines the app wrote.</summary>
    public string Tail(int lines = 40)
    {
        log.Flush();
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        await log.DisposeAsync();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
