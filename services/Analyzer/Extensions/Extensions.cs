using Platform.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Analyzer.Extensions;

internal static class Extensions
{
    public const string Schema = "analyzer";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        builder.AddMessaging();
    }
}
