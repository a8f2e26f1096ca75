using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Platform.ServiceDefaults.Identity;
using Platform.Web.Gateway;

namespace Platform.Web.Auth;

/// <summary>The outcome of checking a key and secret at the gateway.</summary>
public sealed record SignInResult(ClaimsPrincipal? Principal, ProblemView? Problem);

/// <summary>
/// Checks a key and secret against the gateway and learns what the key may do. The gateway answers 401 for bad
/// credentials and 403 for a missing scope, so a cheap read per area tells the scopes; with the admin scope the
/// key's own entry in the organisation's key list gives them exactly (and the organisation's name).
/// </summary>
public sealed partial class SignInService(GatewayClient gateway, ILogger<SignInService> logger)
{
    private const int KeyPrefixLength = 11;

    private static readonly (string Scope, string Path)[] Probes =
    [
        (Scopes.Analyzer, "api/v1/analyzer/sessions?limit=1"),
        (Scopes.Chatbot, "api/v1/chatbot/sessions?limit=1"),
        (Scopes.Evaluator, "api/v1/evaluator/sessions?limit=1"),
        (Scopes.Ops, "ops/rollout"),
    ];

    public async Task<SignInResult> CheckAsync(string key, string secret, CancellationToken ct)
    {
        var credentials = new Credentials(key.Trim(), secret.Trim());
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        Guid? orgId = null;
        string? orgName = null;

        var admin = await ProbeAsync("api/v1/admin/api-keys?limit=200", credentials, ct);
        if (admin.Status == HttpStatusCode.Unauthorized)
        {
            return new SignInResult(null, ProblemView.Of("The API key and secret were not accepted", "Check both and try again."));
        }

        if (admin.Status == HttpStatusCode.TooManyRequests)
        {
            return new SignInResult(null, ProblemView.Of("Too many attempts", "Wait a minute before trying again."));
        }

        if (admin.Status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            || admin.Status == 0)
        {
            return new SignInResult(null, ProblemView.Of("The gateway cannot check keys right now", "Try again shortly."));
        }

        if (admin.Status == HttpStatusCode.OK)
        {
            scopes.Add(Scopes.Admin);
            var keys = admin.Body is null ? null : System.Text.Json.JsonSerializer.Deserialize<Page<ApiKey>>(admin.Body, GatewayClient.Json);
            var prefix = credentials.Key.Length <= KeyPrefixLength ? credentials.Key : credentials.Key[..KeyPrefixLength];
            var mine = keys?.Items.FirstOrDefault(k => k.Prefix == prefix && k.RevokedAt is null);
            orgId = mine?.OrgId ?? keys?.Items.FirstOrDefault()?.OrgId;
            if (mine is not null)
            {
                scopes.UnionWith(mine.Scopes);
            }

            if (orgId is not null)
            {
                try
                {
                    orgName = (await gateway.GetAsync<Organization>($"api/v1/admin/organizations/{orgId}", ct, credentials)).Name;
                }
                catch (GatewayProblemException ex)
                {
                    LogOrgNameUnavailable(logger, ex.Status);
                }
            }
        }

        var probes = await Task.WhenAll(Probes.Select(async p => (p.Scope, (await ProbeAsync(p.Path, credentials, ct)).Status)));
        foreach (var (scope, status) in probes)
        {
            // Past the gateway's key and scope checks: whatever the service answered, the key holds the scope.
            if (status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or 0))
            {
                scopes.Add(scope);
            }
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, orgName ?? "your organisation"),
            new(Credentials.KeyClaim, credentials.Key),
            new(Credentials.SecretClaim, credentials.Secret),
            new(WebUser.KeyPrefixClaim, credentials.Key.Length <= KeyPrefixLength ? credentials.Key : credentials.Key[..KeyPrefixLength]),
        };
        claims.AddRange(scopes.Select(s => new Claim(WebUser.ScopeClaim, s)));
        if (orgId is not null)
        {
            claims.Add(new Claim(WebUser.OrgIdClaim, orgId.Value.ToString()));
        }

        if (orgName is not null)
        {
            claims.Add(new Claim(WebUser.OrgNameClaim, orgName));
        }

        var identity = new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme);
        return new SignInResult(new ClaimsPrincipal(identity), null);
    }

    private async Task<(HttpStatusCode Status, string? Body)> ProbeAsync(string path, Credentials credentials, CancellationToken ct)
    {
        try
        {
            using var response = await gateway.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct, credentials);
            return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync(ct) : null);
        }
        catch (HttpRequestException ex)
        {
            LogGatewayUnreachable(logger, ex.Message);
            return (0, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway did not answer a sign-in check: {Reason}")]
    private static partial void LogGatewayUnreachable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The organisation's name could not be read at sign-in ({Status})")]
    private static partial void LogOrgNameUnavailable(ILogger logger, int status);
}
