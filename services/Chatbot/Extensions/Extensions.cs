using Platform.Data;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Chatbot.Extensions;

internal static class Extensions
{
    public const string Schema = "chatbot";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        builder.AddMessaging();
    }
}
