// The minimal YARP proxy, as YARP's getting-started guide has it: routes and clusters from configuration
// (appsettings.json; the upstream's address comes from ReverseProxy__Clusters__upstream__Destinations__primary__Address).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
