using Microsoft.Extensions.Options;
using Platform.Admin.Apis;
using Platform.Admin.Model;
using Platform.Admin.Security;
using Platform.Data;
using Platform.Documents;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Admin.Extensions;

internal static class Extensions
{
    public const string Schema = "admin";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        Jsonb.Register<OrganizationSettings>();
        builder.AddMessaging();
        builder.AddDocuments();

        builder.Services.AddOptions<ApiKeyOptions>()
            .BindConfiguration(ApiKeyOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyHasher>();
    }

    public static WebApplication MapAdminApis(this WebApplication app)
    {
        app.MapOrganizationsApi();
        app.MapUsersApi();
        app.MapApiKeysApi();
        app.MapPromptsApi();
        app.MapGuidelinesApi(app.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes);
        app.MapInternalApi();
        return app;
    }
}
