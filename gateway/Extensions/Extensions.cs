using Platform.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Gateway.Extensions;

internal static class Extensions
{
    public const string Schema = "gateway";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        builder.AddMessaging();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
    }
}
