using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Identity;
using Platform.Web.Auth;
using Platform.Web.Gateway;

namespace Platform.Web.Extensions;

internal static class Extensions
{
    public static void AddApplicationServices(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(o =>
        {
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.AddPlatformTelemetry();

        builder.Services.AddOptions<WebOptions>().BindConfiguration(WebOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();

        // The sign-in cookie holds the API key and secret, encrypted with these keys: keep them across restarts.
        builder.Services.AddDataProtection()
            .SetApplicationName("platform-web")
            .PersistKeysToFileSystem(new DirectoryInfo(KeysDirectory(options, builder.Environment)));

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = "platform.web";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Strict;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.LoginPath = "/SignIn";
                cookie.LogoutPath = "/SignOut";
                cookie.AccessDeniedPath = "/Forbidden";
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(options.SignInMinutes);
                cookie.SlidingExpiration = true;
            });
        builder.Services.AddAuthorization(auth =>
        {
            foreach (var scope in WebUser.AllScopes)
            {
                auth.AddPolicy(scope, policy => policy.RequireAuthenticatedUser().RequireAssertion(c => c.User.Has(scope)));
            }
        });

        builder.Services.AddAntiforgery(a =>
        {
            a.Cookie.Name = "platform.web.af";
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.HttpOnly = true;
        });

        builder.Services.AddRazorPages(pages =>
        {
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/SignIn");
            pages.Conventions.AllowAnonymousToPage("/Error");
            pages.Conventions.AuthorizeFolder("/Analyzer", Scopes.Analyzer);
            pages.Conventions.AuthorizeFolder("/Chatbot", Scopes.Chatbot);
            pages.Conventions.AuthorizeFolder("/Evaluator", Scopes.Evaluator);
            pages.Conventions.AuthorizeFolder("/Admin", Scopes.Admin);
            pages.Conventions.AuthorizeFolder("/Ops", Scopes.Ops);
        }).AddMvcOptions(mvc => mvc.Filters.Add<GatewayProblemFilter>());

        builder.Services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes + 1024 * 1024);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 2 * options.MaxUploadBytes + 2 * 1024 * 1024;
        });

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddHttpClient<GatewayClient>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<WebOptions>>().Value.GatewayAddress!);
            // An analysis or evaluation done synchronously can take a while with a real model.
            http.Timeout = TimeSpan.FromMinutes(3);
        });
        builder.Services.AddScoped<SignInService>();
        builder.Services.AddHealthChecks();
    }

    public static void UseWebUi(this WebApplication app)
    {
        // Never a stack trace: unexpected failures show the error page (a problem the services answered is shown on
        // the page that asked, by GatewayProblemFilter).
        app.UseExceptionHandler("/Error");
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            // Every asset is served by the app itself: no CDN, no inline script.
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'";
            await next();
        });
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthChecks("/health/live");
        app.MapHealthChecks("/health/ready");
        app.MapPlatformMetrics();
        app.MapRazorPages();
    }

    private static string KeysDirectory(WebOptions options, IWebHostEnvironment environment)
    {
        if (!string.IsNullOrWhiteSpace(options.KeysDirectory))
        {
            return Path.GetFullPath(options.KeysDirectory, environment.ContentRootPath);
        }

        for (var dir = new DirectoryInfo(environment.ContentRootPath); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Platform.slnx")))
            {
                return Path.Combine(dir.FullName, ".local", "web-keys");
            }
        }

        return Path.Combine(environment.ContentRootPath, "web-keys");
    }
}
