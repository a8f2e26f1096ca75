using Platform.Testing;

namespace Platform.IntegrationTests;

/// <summary>Bad configuration stops an app at start with a message naming the setting, not at the first request.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class StartupValidationTests
{
    [TestCase("ConnectionStrings__RabbitMq", "http://not-a-broker/", "ConnectionStrings:RabbitMq")]
    [TestCase("ConnectionStrings__Postgres", "Host=127.0.0.1;Bogus Keyword=1", "ConnectionStrings:Postgres")]
    [TestCase("Messaging__RetryLimit", "500", "RetryLimit")]
    public async Task InvalidSetting_StopsTheAppAtStart_NamingTheSetting(string key, string value, string named)
    {
        var environment = Fleet.CommonEnvironment("analyzer");
        environment[key] = value;

        await using var app = AppProcess.Start("analyzer-badconfig", "services/Analyzer/Analyzer.csproj", FreePort.Next(), environment);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(app.Tail(200), Does.Contain(named));
    }
}
