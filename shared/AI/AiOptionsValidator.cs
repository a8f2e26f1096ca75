using Microsoft.Extensions.Options;

namespace Platform.AI;

/// <summary>The rules that depend on the chosen provider; messages name settings, never their values.</summary>
internal sealed class AiOptionsValidator : IValidateOptions<AiOptions>
{
    public ValidateOptionsResult Validate(string? name, AiOptions options)
    {
        var failures = new List<string>();
        switch (options.ProviderName)
        {
            case AiProviders.Offline:
                break;
            case AiProviders.OpenAI:
                if (string.IsNullOrWhiteSpace(options.OpenAI.ApiKey))
                {
                    failures.Add("AI:OpenAI:ApiKey is required when AI:Provider is 'openai' (set it from the environment, e.g. AI__OpenAI__ApiKey).");
                }

                if (!IsHttpUrl(options.OpenAI.BaseUrl))
                {
                    failures.Add("AI:OpenAI:BaseUrl must be an absolute http(s) URL such as https://api.openai.com/v1.");
                }

                if (string.IsNullOrWhiteSpace(options.OpenAI.Model))
                {
                    failures.Add("AI:OpenAI:Model is required when AI:Provider is 'openai'.");
                }

                if (string.IsNullOrWhiteSpace(options.OpenAI.EmbeddingModel))
                {
                    failures.Add("AI:OpenAI:EmbeddingModel must not be empty when AI:Provider is 'openai'.");
                }

                break;
            case AiProviders.Azure:
                if (!IsHttpUrl(options.Azure.Endpoint))
                {
                    failures.Add("AI:Azure:Endpoint is required when AI:Provider is 'azure' and must be an absolute http(s) URL such as https://my-resource.openai.azure.com.");
                }

                if (string.IsNullOrWhiteSpace(options.Azure.ApiKey))
                {
                    failures.Add("AI:Azure:ApiKey is required when AI:Provider is 'azure' (set it from the environment, e.g. AI__Azure__ApiKey).");
                }

                if (string.IsNullOrWhiteSpace(options.Azure.Deployment))
                {
                    failures.Add("AI:Azure:Deployment is required when AI:Provider is 'azure'.");
                }

                break;
            default:
                failures.Add("AI:Provider must be 'offline', 'openai' or 'azure'.");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
