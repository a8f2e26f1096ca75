using System.Net.Http.Headers;
using Platform.IntegrationTests.Gateway;
using Platform.Testing;

namespace Platform.IntegrationTests.Evaluator;

/// <summary>Calls the Evaluator through the gateway with an API key of a fresh organisation.</summary>
public sealed class EvaluatorClient(ApiKey key)
{
    public ApiKey Key { get; } = key;

    public static async Task<EvaluatorClient> CreateAsync() => new(await ApiKey.CreateAsync("evaluator"));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null) =>
        Fleet.Gateway.Client.SendAsync(Key.Request(method, "api/v1/evaluator/" + path.TrimStart('/'), content));

    public static FormUrlEncodedContent TextForm(string userId, string? proposal, string? terms, params (string Name, string Value)[] extra)
    {
        var fields = new List<KeyValuePair<string, string>> { new("user_id", userId) };
        if (proposal is not null)
        {
            fields.Add(new("proposal_text_input", proposal));
        }

        if (terms is not null)
        {
            fields.Add(new("tor_text_input", terms));
        }

        fields.AddRange(extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value)));
        return new FormUrlEncodedContent(fields);
    }

    /// <summary>A multipart form with the proposal as the file <c>proposal_file</c> and the ToR as text (or file).</summary>
    public static MultipartFormDataContent FileForm(
        string userId, byte[] proposal, string proposalName, string? terms, (byte[] Bytes, string Name)? termsFile = null,
        params (string Name, string Value)[] extra)
    {
        var form = new MultipartFormDataContent { { new StringContent(userId), "user_id" } };
        form.Add(File(proposal), "proposal_file", proposalName);
        if (terms is not null)
        {
            form.Add(new StringContent(terms), "tor_text_input");
        }

        if (termsFile is { } t)
        {
            form.Add(File(t.Bytes), "tor_file", t.Name);
        }

        foreach (var (name, value) in extra)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static ByteArrayContent File(byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        return file;
    }
}
