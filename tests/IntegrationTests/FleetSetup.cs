using Platform.Testing;

namespace Platform.IntegrationTests;

/// <summary>Starts the fleet once before any integration test and stops it after the last.</summary>
[SetUpFixture]
public sealed class FleetSetup
{
    [OneTimeSetUp]
    public Task StartFleetAsync() => Fleet.StartAsync();

    [OneTimeTearDown]
    public Task StopFleetAsync() => Fleet.StopAsync();
}
