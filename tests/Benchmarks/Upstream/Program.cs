using System.Text;

// The upstream every target of deploy/bench/gateway.sh proxies to: any method and path gets 200 with the same
// 1024-byte JSON document, written from one preallocated buffer, so the upstream costs as little as Kestrel allows
// and the differences between the targets are the proxies' own. No logging, no routing, no telemetry.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

var app = builder.Build();
var body = Payload.Create(int.TryParse(app.Configuration["BodyBytes"], out var size) ? size : 1024);
app.Run(async context =>
{
    var response = context.Response;
    response.StatusCode = StatusCodes.Status200OK;
    response.ContentType = "application/json";
    response.ContentLength = body.Length;
    await response.BodyWriter.WriteAsync(body, context.RequestAborted);
});
app.Run();

internal static class Payload
{
    /// <summary>A JSON object of exactly <paramref name="size"/> UTF-8 bytes (at least 128), padded with a filler field.</summary>
    public static byte[] Create(int size)
    {
        size = Math.Max(size, 128);
        var json = new StringBuilder("{\"id\":\"0198f3a2-7c1e-7b3a-9d4e-5f6a7b8c9d0e\",\"status\":\"completed\",\"scores\":[");
        for (var i = 0; i < 8; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("{\"criterion\":\"c").Append(i).Append("\",\"score\":0.").Append(50 + i).Append('}');
        }

        json.Append("],\"padding\":\"");
        const string tail = "\"}";
        var filler = size - Encoding.UTF8.GetByteCount(json.ToString()) - tail.Length;
        if (filler < 0)
        {
            return Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', size - 14) + tail);
        }

        return Encoding.UTF8.GetBytes(json.Append('x', filler).Append(tail).ToString());
    }
}
