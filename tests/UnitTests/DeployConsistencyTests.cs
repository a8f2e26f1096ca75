using System.Text.Json;

namespace Platform.UnitTests;

/// <summary>Files that must agree with each other across the repository (kept in step by tests, not by memory).</summary>
public sealed class DeployConsistencyTests
{
    private static readonly string Root = FindRoot();

    [Test]
    public void K8sCopyOfSchemasSql_IsIdenticalToDeploySql()
    {
        // kustomize cannot read files outside k8s/, so the database layout is copied there.
        Assert.That(File.ReadAllText(Path.Combine(Root, "k8s", "postgres", "schemas.sql")),
            Is.EqualTo(File.ReadAllText(Path.Combine(Root, "deploy", "sql", "schemas.sql"))));
    }

    [Test]
    public void K8sCopyOfThePostgresRolesScript_IsIdenticalToCompose()
    {
        Assert.That(File.ReadAllText(Path.Combine(Root, "k8s", "postgres", "10-platform-roles.sh")),
            Is.EqualTo(File.ReadAllText(Path.Combine(Root, "deploy", "docker", "postgres", "10-platform-roles.sh"))));
    }

    [TestCase("admin", 8081)]
    [TestCase("analyzer", 8082)]
    [TestCase("chatbot", 8083)]
    [TestCase("evaluator", 8084)]
    public void Gateway_RoutesEachServicePrefix_ToThatServicesCluster(string service, int port)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "gateway", "appsettings.json")));
        var proxy = settings.RootElement.GetProperty("ReverseProxy");

        var route = proxy.GetProperty("Routes").GetProperty($"{service}-api");
        Assert.That(route.GetProperty("ClusterId").GetString(), Is.EqualTo(service));
        Assert.That(route.GetProperty("Match").GetProperty("Path").GetString(), Is.EqualTo($"/api/v1/{service}/{{**catch-all}}"));
        var address = proxy.GetProperty("Clusters").GetProperty(service).GetProperty("Destinations").GetProperty("primary").GetProperty("Address").GetString();
        Assert.That(address, Is.EqualTo($"http://127.0.0.1:{port}/"));
    }

    [TestCase("services/Admin/appsettings.json", "admin", 8081)]
    [TestCase("services/Analyzer/appsettings.json", "analyzer", 8082)]
    [TestCase("services/Chatbot/appsettings.json", "chatbot", 8083)]
    [TestCase("services/Evaluator/appsettings.json", "evaluator", 8084)]
    [TestCase("gateway/appsettings.json", "gateway", 8080)]
    public void EachApp_ListensOnItsDesignPort_AndConnectsAsItsOwnRole(string path, string role, int port)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, path)));

        Assert.That(settings.RootElement.GetProperty("Urls").GetString(), Is.EqualTo($"http://127.0.0.1:{port}"));
        Assert.That(settings.RootElement.GetProperty("ConnectionStrings").GetProperty("Postgres").GetString(),
            Does.Contain($"Username={role}").And.Not.Contain("Password"));
    }

    [TestCase("gateway")]
    [TestCase("admin")]
    [TestCase("analyzer")]
    [TestCase("chatbot")]
    [TestCase("evaluator")]
    [TestCase("web")]
    public void EachApp_HasADockerfile_AComposeServiceAndAK8sManifest(string app)
    {
        Assert.That(File.Exists(Path.Combine(Root, "deploy", "docker", $"Dockerfile.{app}")), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(Root, "docker-compose.yml")), Does.Contain($"Dockerfile.{app}"));
        Assert.That(File.Exists(Path.Combine(Root, "k8s", $"{app}.yaml")), Is.True);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }
}
