using System.Text;
using Cluster.Grains.Security;
using Cluster.Interfaces.Api;
using Cluster.Interfaces.Security;

namespace Cluster.Silo.Security;

/// <summary>
/// Authenticates each HTTP request (a bearer token: the static token file's or one the cluster signed) and hands
/// its token to the grain calls the request makes (the authorization filter decides there, for the API and the
/// SDK alike). Without credentials: 401 with a Status body, except /healthz, /readyz, /livez and /version; in the
/// insecure local mode such requests act as the cluster admin, as Kubernetes' old insecure port did.
/// </summary>
public static class ApiAuthentication
{
    public const string UserItem = "cluster.user";
    static readonly string[] Public = ["/healthz", "/readyz", "/livez", "/version"];

    public static void Use(WebApplication app)
    {
        var authn = app.Services.GetRequiredService<TokenAuthenticator>();
        var options = app.Services.GetRequiredService<SecurityOptions>();
        var tls = app.Services.GetService<ApiTls>();
        var certTokens = new System.Collections.Concurrent.ConcurrentDictionary<string, (string Token, DateTime Until)>();
        app.Use(async (c, next) =>
        {
            var path = c.Request.Path.Value ?? "/";
            var header = c.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
            UserInfo? user = token is { Length: > 0 } ? authn.Authenticate(token) : null;
            if (token == null && tls != null && c.Connection.ClientCertificate is { } cert && tls.Authenticate(cert) is { } who)
            {
                // A client certificate the cluster CA signed: its user travels to the grains as a short-lived cluster token.
                user = new UserInfo(who.User, null, [.. who.Groups, UserInfo.Authenticated]);
                var cached = certTokens.GetValueOrDefault(cert.Thumbprint);
                if (cached.Token == null || cached.Until < DateTime.UtcNow)
                    certTokens[cert.Thumbprint] = cached = (authn.Issue(user, TimeSpan.FromMinutes(10)), DateTime.UtcNow.AddMinutes(5));
                token = cached.Token;
            }
            // The Orleans dashboard (read-only statistics, for a browser) is open to this machine only.
            var localDashboard = path.StartsWith("/dashboard") && c.Connection.RemoteIpAddress is { } ip && System.Net.IPAddress.IsLoopback(ip);
            if (user == null && token is { Length: > 0 } || user == null && !options.AnonymousIsAdmin && !localDashboard && !Public.Any(p => path == p || path.StartsWith(p + "/")))
            {
                await Unauthorized(c);
                return;
            }
            c.Items[UserItem] = user ?? (options.AnonymousIsAdmin ? UserInfo.LocalAdmin : UserInfo.Anonymous);
            if (token == null) { await next(c); return; }
            using var scope = RequestIdentityScope.As(token, Verb(c));
            await next(c);
        });
    }

    static string Verb(HttpContext c) => c.Request.Method switch
    {
        "POST" => "create", "PUT" => "update", "PATCH" => "patch", "DELETE" => "delete",
        _ => c.Request.Query["watch"] is { Count: > 0 } w && w[0] is "true" or "1" ? "watch" : "get",
    };

    static Task Unauthorized(HttpContext c)
    {
        c.Response.StatusCode = 401;
        c.Response.ContentType = "application/json";
        return c.Response.WriteAsync(new ApiResult(401, "Unauthorized", "Unauthorized", null).ToStatusJson(), Encoding.UTF8);
    }

    public static UserInfo User(HttpContext c) => c.Items[UserItem] as UserInfo ?? UserInfo.Anonymous;
}
