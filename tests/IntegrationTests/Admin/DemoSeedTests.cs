using System.Net;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

/// <summary>`make run` seeds a demo organisation and key with `Admin seed-demo`; it must be idempotent.</summary>
public sealed class DemoSeedTests
{
    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task SeedDemo_IsIdempotent_AndItsKeyVerifiesWithEveryScope()
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"demo-key-{Guid.NewGuid():N}.env");

        var first = await SeedAsync(file);
        var second = await SeedAsync(file);

        Assert.That(second, Is.EqualTo(first), "a second run reuses the key in the file");
        var verified = await VerifyAsync(first);
        Assert.That(verified.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var body = await Json.ReadAsync(verified);
        Assert.That(body["scopes"]!.AsArray().Select(s => (string?)s),
            Is.EquivalentTo(new[] { "admin", "analyzer", "chatbot", "evaluator", "ops", "platform" }));
        Assert.That(File.GetUnixFileMode(file) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead), Is.EqualTo(UnixFileMode.None));

        File.Delete(file);
        var third = await SeedAsync(file);

        Assert.That(third.Key, Is.Not.EqualTo(first.Key), "a lost secret is replaced by a new key");
        Assert.That((await VerifyAsync(first)).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "and the old demo key is revoked");
        Assert.That((await VerifyAsync(third)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static async Task<(string Key, string Secret)> SeedAsync(string file)
    {
        await using var process = AppProcess.Start("admin-seed", "services/Admin/Admin.csproj", FreePort.Next(), Fleet.CommonEnvironment("admin"), "seed-demo", "--out", file);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.That(exit, Is.Zero, process.Tail());
        var values = File.ReadAllLines(file).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.That(process.Tail(), Does.Contain(values["DEMO_API_KEY"]));
        return (values["DEMO_API_KEY"], values["DEMO_API_SECRET"]);
    }

    private static Task<HttpResponseMessage> VerifyAsync((string Key, string Secret) credentials) =>
        AdminClient.Internal().PostAsync("internal/keys/verify", new { api_key = credentials.Key, api_secret = credentials.Secret });
}
