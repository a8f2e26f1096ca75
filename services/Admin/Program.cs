using Platform.Admin.Demo;
using Platform.Admin.Extensions;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
if (args.FirstOrDefault() == DemoSeeder.Command)
{
    return await DemoSeeder.RunAsync(app, args);
}

app.MapDefaultEndpoints();
app.UseGatewayIdentity();
app.MapAdminApis();
await app.RunAsync();
return 0;
