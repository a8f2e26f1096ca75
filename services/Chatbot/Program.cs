using Platform.Chatbot.Extensions;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseGatewayIdentity();
app.MapChatbotApis();
app.Run();
