using System.CommandLine;
using Cluster.Client;
using Cluster.Interfaces.Api;

namespace Cluster.Cli.Commands;

/// <summary>Builds the command tree and runs it; every failure ends as one line on stderr and exit code 1.</summary>
public static class CliApp
{
    public static readonly Option<string?> Server = new("--server", "-s") { Description = "the cluster's gateway, host:port (default CLUSTER_SERVER or 127.0.0.1:30000)", Recursive = true };
    public static readonly Option<string?> Namespace = new("--namespace", "-n") { Description = "the namespace (default: default)", Recursive = true };
    public static readonly Option<string?> Token = new("--token") { Description = "bearer token (default CLUSTER_TOKEN, else this machine's cluster admin token ~/.cluster/*/admin.token when readable)", Recursive = true };

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var ctx = new CliContext(stdout, stderr);
        var root = new RootCommand("cluster: drive a Cluster with Kubernetes objects");
        root.Add(Server);
        root.Add(Namespace);
        root.Add(Token);
        foreach (var c in new[]
                 {
                     ApplyCommands.Apply(ctx), ApplyCommands.Create(ctx), GetCommand.Build(ctx), DescribeCommand.Build(ctx),
                     DeleteCommand.Build(ctx), ScaleCommand.Build(ctx), RolloutCommand.Build(ctx), LogsCommand.Build(ctx),
                     NodeCommands.Cordon(ctx, true), NodeCommands.Cordon(ctx, false), NodeCommands.Drain(ctx),
                     ConfigCommand.Build(ctx),
                 })
            root.Add(c);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            stderr.WriteLine($"error: {parsed.Errors[0].Message} (see 'cluster {string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(1))} --help')");
            return 1;
        }
        try { return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr }); }
        catch (ClusterApiException e) { stderr.WriteLine(ServerError(e.Result)); return 1; }
        catch (Cluster.Interfaces.Security.AccessDeniedException e)
        { stderr.WriteLine(ServerError(new ApiResult(e.Code, e.Code == 401 ? "Unauthorized" : "Forbidden", e.Message, null))); return 1; }
        catch (Exception e) when (e is ClusterConnectionException or ManifestException or CliException)
        { stderr.WriteLine(e.Message.StartsWith("error") ? e.Message : "error: " + e.Message); return 1; }
        catch (OperationCanceledException) { return 130; }
        finally { await ctx.DisposeAsync(); }
    }

    /// <summary>kubectl's wording: "Error from server (NotFound): deployments.apps "x" not found".</summary>
    public static string ServerError(ApiResult r) => $"Error from server ({r.Reason ?? "InternalError"}): {r.Message}";
}

/// <summary>A user mistake found by the CLI itself.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>What every command shares: output streams and a lazily connected client.</summary>
public sealed class CliContext(TextWriter stdout, TextWriter stderr) : IAsyncDisposable
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;
    ClusterClient? _client;

    public async Task<ClusterClient> Client(ParseResult p) =>
        _client ??= await ClusterClient.ConnectAsync(p.GetValue(CliApp.Server), token: p.GetValue(CliApp.Token) ?? Environment.GetEnvironmentVariable("CLUSTER_TOKEN") ?? LocalAdminToken(),
            tls: GatewayTls.FromEnvironment() ?? (LocalDataDir() is { } dir ? LocalCredentials(dir) : null));

    static GatewayTls? LocalCredentials(string dir)
    {
        try { return GatewayTls.FromDataDir(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException) { return null; }
    }

    /// <summary>The default data directories' root of silos on this machine (~/.cluster).</summary>
    public static string LocalRoot => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cluster");

    /// <summary>
    /// A file a silo on this machine wrote in its default data directory (~/.cluster/NODE/NAME): this host's node
    /// first, else the newest one; null when there is none.
    /// </summary>
    public static string? LocalSiloFile(string name)
    {
        if (!Directory.Exists(LocalRoot)) return null;
        var own = Path.Combine(LocalRoot, Environment.MachineName.ToLowerInvariant(), name);
        return File.Exists(own) ? own
            : Directory.GetDirectories(LocalRoot).Select(d => Path.Combine(d, name)).Where(File.Exists).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
    }

    static string? LocalDataDir() => LocalSiloFile("admin.crt") is { } f ? Path.GetDirectoryName(f) : null;

    /// <summary>The admin token a silo on this machine wrote (~/.cluster/NODE/admin.token), if one is readable.</summary>
    public static string? LocalAdminToken()
    {
        try { return LocalSiloFile("admin.token") is { } file ? File.ReadAllText(file).Trim() : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
    public static string Ns(ParseResult p) => p.GetValue(CliApp.Namespace) ?? "default";

    public async ValueTask DisposeAsync() { if (_client != null) await _client.DisposeAsync(); }
}
