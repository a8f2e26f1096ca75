using Platform.Gateway.Extensions;
using Platform.ServiceDefaults;

RuntimeTuning.ApplyBeforeStart(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGateway();
app.Run();
