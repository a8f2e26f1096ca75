using Platform.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Admin.Extensions;

internal static class Extensions
{
    public const string Schema = "admin";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        builder.AddMessaging();
    }
}
