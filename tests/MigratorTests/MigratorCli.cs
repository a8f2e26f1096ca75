using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.MigratorTests;

/// <summary>Runs the migrator's built command line as a real process (so a run can be killed), with the pepper in its environment.</summary>
public static class MigratorCli
{
    public static string Dll => Path.Combine(TestEnvironment.RepoRoot, "services", "Migrator", "bin", TestEnvironment.BuildConfiguration, "net10.0", "Migrator.dll");

    public static Process Start(LegacyDatabase source, TargetDatabase target, StringBuilder output, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add("--quiet");
        info.Environment["MIGRATOR_SOURCE"] = source.ConnectionString;
        info.Environment["MIGRATOR_TARGET"] = target.ConnectionString;
        info.Environment["ApiKeys__Pepper"] = TestEnvironment.Secret("ApiKeys__Pepper");
        info.Environment["DOTNET_gcServer"] = "0";
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs to the end; the exit code, everything printed, and the JSON report if one was written.</summary>
    public static async Task<(int Exit, string Output, JsonNode? Report)> RunAsync(LegacyDatabase source, TargetDatabase target, params string[] args)
    {
        var report = Path.Combine(Path.GetTempPath(), $"migrator-report-{Guid.NewGuid():N}.json");
        var output = new StringBuilder();
        using var process = Start(source, target, output, [.. args, "--report", report]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        process.WaitForExit();
        JsonNode? json = null;
        if (File.Exists(report))
        {
            json = JsonNode.Parse(await File.ReadAllTextAsync(report));
            File.Delete(report);
        }

        TestContext.Out.WriteLine(output.ToString());
        return (process.ExitCode, output.ToString(), json);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    public static JsonNode Table(JsonNode report, string name) =>
        report["tables"]!.AsArray().Single(t => (string)t!["name"]! == name)!;
}
