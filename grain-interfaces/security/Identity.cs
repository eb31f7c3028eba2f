namespace Cluster.Interfaces.Security;

/// <summary>Who makes a request: Kubernetes' user.Info (name, uid, groups).</summary>
[GenerateSerializer, Immutable]
public sealed record UserInfo(string Name, string? Uid, IReadOnlyList<string> Groups)
{
    public const string Masters = "system:masters";
    public const string Authenticated = "system:authenticated";
    public const string Unauthenticated = "system:unauthenticated";
    public static readonly UserInfo Anonymous = new("system:anonymous", null, [Unauthenticated]);
    public static readonly UserInfo LocalAdmin = new("system:admin", null, [Masters, Authenticated]);

    /// <summary>"system:serviceaccount:NS:NAME" for a ServiceAccount's tokens.</summary>
    public static string ServiceAccountUser(string ns, string name) => $"system:serviceaccount:{ns}:{name}";
}

/// <summary>
/// How a request's identity travels with its grain calls: the bearer token (the SDK's, or the one the HTTP API
/// forwards) in the Orleans RequestContext. The silos' authorization filter verifies it on the first call it reaches
/// and removes it, so the calls that call makes on its own are the cluster's, not the user's.
/// </summary>
public static class RequestIdentity
{
    public const string TokenKey = "cluster.token";
    /// <summary>The verb the HTTP API means (kubectl's PATCH reaches a grain as an Update; RBAC checks "patch").</summary>
    public const string VerbKey = "cluster.verb";
}

/// <summary>The request was not authenticated (401) or not authorised (403); the message is Kubernetes'.</summary>
[GenerateSerializer]
public sealed class AccessDeniedException(int code, string message) : Exception(message)
{
    [Id(0)] public int Code { get; } = code;
}

/// <summary>Sets or hides the request identity (the RequestContext token) for the calls made inside a scope.</summary>
public sealed class RequestIdentityScope : IDisposable
{
    readonly object? _token, _verb;
    RequestIdentityScope(string? token, string? verb)
    {
        _token = Orleans.Runtime.RequestContext.Get(RequestIdentity.TokenKey);
        _verb = Orleans.Runtime.RequestContext.Get(RequestIdentity.VerbKey);
        Set(RequestIdentity.TokenKey, token);
        Set(RequestIdentity.VerbKey, verb);
    }

    static void Set(string key, object? value)
    {
        if (value == null) Orleans.Runtime.RequestContext.Remove(key);
        else Orleans.Runtime.RequestContext.Set(key, value);
    }

    /// <summary>Calls in the scope carry no user identity: they are the cluster's own.</summary>
    public static RequestIdentityScope Suppress() => new(null, null);
    /// <summary>Calls in the scope act for the holder of this token, meaning this verb.</summary>
    public static RequestIdentityScope As(string token, string? verb = null) => new(token, verb);

    public void Dispose() { Set(RequestIdentity.TokenKey, _token); Set(RequestIdentity.VerbKey, _verb); }
}
