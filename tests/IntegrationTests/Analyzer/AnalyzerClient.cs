using System.Net.Http.Headers;
using Platform.IntegrationTests.Gateway;
using Platform.Testing;

namespace Platform.IntegrationTests.Analyzer;

/// <summary>Calls the Analyzer through the gateway with an API key of a fresh organisation.</summary>
public sealed class AnalyzerClient(ApiKey key)
{
    public ApiKey Key { get; } = key;

    public static async Task<AnalyzerClient> CreateAsync() => new(await ApiKey.CreateAsync("analyzer"));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null) =>
        Fleet.Gateway.Client.SendAsync(Key.Request(method, "api/v1/analyzer/" + path.TrimStart('/'), content));

    public static FormUrlEncodedContent TextForm(string userId, string text, params (string Name, string Value)[] extra) =>
        new([new("user_id", userId), new("text_input", text), .. extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    public static MultipartFormDataContent FileForm(string userId, byte[] bytes, string fileName, params (string Name, string Value)[] extra)
    {
        var form = new MultipartFormDataContent { { new StringContent(userId), "user_id" } };
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(file, "file", fileName);
        foreach (var (name, value) in extra)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
