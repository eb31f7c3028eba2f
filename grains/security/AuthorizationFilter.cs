using Cluster.Interfaces.Api;
using Cluster.Interfaces.Security;
using Cluster.Interfaces.Store;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Cluster.Grains.Security;

/// <summary>
/// The one place where requests are authenticated and authorised, for the HTTP API and the SDK alike: every grain
/// call that comes from outside the cluster (a gateway client) or carries a user's token (the HTTP API forwards
/// the request's) is checked here, mapped to Kubernetes' authorizer attributes (verb, resource, namespace, name),
/// before the grain runs. Calls grains make on their own carry no token and pass.
/// </summary>
public sealed class AuthorizationFilter(TokenAuthenticator authn, Authorizer authz, SecurityOptions options, ILogger<AuthorizationFilter> logger) : IIncomingGrainCallFilter
{
    // Not async where it only passes a call on: an async filter is one more state machine and continuation on every call.
    public Task Invoke(IIncomingGrainCallContext ctx)
    {
        // Only the cluster's own grains serve requests; Orleans' system calls (a client's handshake, the manifest) pass.
        if (ctx.Grain is not (IObjectGrain or IIndexGrain) && ctx.Grain?.GetType().Namespace?.StartsWith("Cluster.", StringComparison.Ordinal) != true)
            return ctx.Invoke();
        var token = RequestContext.Get(RequestIdentity.TokenKey) as string;
        // A call is the cluster's own when a silo sent it (every silo marks what it sends with the cluster's internal
        // secret); anything else came in through the gateway, whatever its message says about its sender.
        var external = !options.IsInternal(RequestContext.Get(InternalCalls.Key) as string) && !FromOrleans(ctx);
        if (token == null && !external) return ctx.Invoke();
        return Checked(ctx, token);
    }

    async Task Checked(IIncomingGrainCallContext ctx, string? token)
    {
        var claimedVerb = RequestContext.Get(RequestIdentity.VerbKey) as string;
        // What this call does next is the cluster's own work, not the user's.
        RequestContext.Remove(RequestIdentity.TokenKey);
        RequestContext.Remove(RequestIdentity.VerbKey);

        UserInfo? user = token == null ? (options.AnonymousIsAdmin ? UserInfo.LocalAdmin : null) : authn.Authenticate(token);
        if (user == null) { Deny(ctx, 401, "Unauthorized"); return; }
        if (!user.Groups.Contains(UserInfo.Masters))
        {
            var attrs = RequestMapping.Attributes(ctx, claimedVerb);
            var allowed = attrs != null && (await authz.AuthorizeAsync(user, attrs)).Allowed;
            if (!allowed)
            {
                var message = attrs != null ? Rbac.Forbidden(user, attrs) : $"forbidden: User \"{user.Name}\" cannot call {ctx.InterfaceName}.{ctx.MethodName}";
                logger.LogDebug("denied: {Message}", message);
                Deny(ctx, 403, message);
                return;
            }
        }
        await ctx.Invoke();
    }

    /// <summary>
    /// What Orleans itself delivers to a grain without an outgoing call: a grain timer's tick (a message to itself)
    /// and a reminder's (from the reminder service). A client cannot send either: a timer's request type is not one
    /// the silo deserializes from outside, and a reminder only triggers a reconcile, which anyone's change would.
    /// </summary>
    static bool FromOrleans(IIncomingGrainCallContext ctx) =>
        ctx.InterfaceMethod?.DeclaringType == typeof(IRemindable)
        || ctx.Request.GetType().FullName?.StartsWith("Orleans.Runtime.GrainTimer", StringComparison.Ordinal) == true;

    static void Deny(IIncomingGrainCallContext ctx, int code, string message)
    {
        var reason = code == 401 ? "Unauthorized" : "Forbidden";
        if (ctx.InterfaceMethod?.ReturnType == typeof(Task<ApiResult>))
            ctx.Result = new ApiResult(code, reason, message, null);
        else
            throw new AccessDeniedException(code, message);
    }
}

/// <summary>
/// Marks every grain call a silo sends (from its grains and from its own services, the HTTP API among them) with the
/// cluster's internal secret, which only silos know (derived from the token signing key; silo-to-silo traffic is
/// TLS). Calls to clients are not marked, so the secret never leaves the silos. Applied by the silo's outgoing call
/// filter (<see cref="Cluster.Interfaces.Calls.RetryUndeliveredCalls"/>) to every call it sends.
/// </summary>
public sealed class InternalCalls(SecurityOptions options) : Cluster.Interfaces.Calls.IOutgoingCallMark
{
    public const string Key = "cluster.internal";

    public void Mark(IOutgoingGrainCallContext ctx)
    {
        if (options.InternalSecret != null && !GrainTypePrefix.IsClient(ctx.TargetId) && RequestContext.Get(Key) == null) RequestContext.Set(Key, options.InternalSecret);
    }
}

/// <summary>Grain calls as Kubernetes requests: which verb on which resource, in which namespace, on which name.</summary>
public static class RequestMapping
{
    public static RequestAttributes? Attributes(IIncomingGrainCallContext ctx, string? claimedVerb)
    {
        var key = ctx.TargetId.Key.ToString() ?? "";
        var method = ctx.MethodName;
        if (ctx.Grain is IIndexGrain)
        {
            var slash = key.IndexOf('/');
            if (slash < 0 || Kinds.ByKind(key[..slash]) is not { } k) return null;
            var ns = key[(slash + 1)..];
            var verb = method switch
            {
                "List" when claimedVerb == "delete" => "deletecollection", // DELETE on a collection lists, then deletes
                "List" or "ByOwner" or "OwnerUids" or "OnNode" or "WrittenOutside" or "Names" => "list", "Watch" => "watch",
                "Get" => "get", // several objects by name: allowed by a rule that allows get on every name
                _ => null,
            };
            return verb == null ? null : new RequestAttributes(verb, k.Group, k.Plural, null, ns.Length == 0 ? null : ns, null);
        }
        if (ctx.Grain is not IObjectGrain) return null;
        ObjectKey o;
        try { o = ObjectKey.Parse(key); } catch (FormatException) { return null; }
        if (Kinds.ByKind(o.Kind) is not { } kind) return null;
        var nsOf = o.Namespace.Length == 0 ? null : o.Namespace;
        // A create names no object in Kubernetes' attributes (the collection is what is written to).
        RequestAttributes On(string verb, string? sub = null) => new(verb, kind.Group, kind.Plural, sub, nsOf, verb == "create" && sub == null ? null : o.Name);
        string Claimed(params string[] allowed) => claimedVerb != null && allowed.Contains(claimedVerb) ? claimedVerb : allowed[0];
        var exists = (ctx.Grain as IExistence)?.Exists ?? true;
        return (o.Kind, method) switch
        {
            // The API reads an object before it patches, updates or deletes it: that read is part of the write.
            (_, "Get") => On(Claimed("get", "patch", "update", "delete")),
            (_, "Create") => On("create"),
            (_, "Update") => On(Claimed("update", "patch")),
            (_, "Apply") => On(exists ? "patch" : "create"),
            (_, "UpdateStatus") => On(Claimed("update", "patch"), "status"),
            (_, "Delete") => On("delete"),
            (_, "DropOwner") => On("update"),
            (_, "Scale") => On(Claimed("update", "patch"), "scale"),
            ("Deployment", "Rollback" or "SetPaused" or "Restart") => On("patch"),
            ("Pod", "Bind") => On("create", "binding"),
            ("ServiceAccount", "RequestToken") => On("create", "token"),
            ("Pod", "Evict") => On("create", "eviction"),
            ("Node", "Logs") when ctx.Request.GetArgumentCount() > 0 && ctx.Request.GetArgument(0) is LogRequest lr =>
                new RequestAttributes("get", "", "pods", "log", lr.Pod.Namespace, lr.Pod.Name),
            _ => null, // the cluster's own calls (heartbeats, reports, reconcile triggers): cluster admins only
        };
    }
}

/// <summary>Object grains say whether their object exists (an apply creates or patches).</summary>
public interface IExistence
{
    bool Exists { get; }
}
