using System.CommandLine;

namespace Cluster.Cli.Commands;

/// <summary>
/// `cluster config kubeconfig`: the cluster admin's kubeconfig for kubectl (the API's https address, the cluster
/// CA to verify it, the admin token), read from the data directory of a silo on this machine, where the silo
/// writes it at start (DATA/admin.kubeconfig, readable by its owner only).
/// </summary>
public static class ConfigCommand
{
    public static Command Build(CliContext ctx)
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "the silo's data directory (default: the one under ~/.cluster)" };
        var output = new Option<string?>("--kubeconfig") { Description = "write it to this file (mode 0600) instead of printing it" };
        var user = new Option<string?>("--user") { Description = "instead of the admin: a client certificate for this user, signed by the cluster CA (needs DATA/pki/ca.key)" };
        var groups = new Option<string[]>("--group") { Description = "the user's groups (repeatable)", AllowMultipleArgumentsPerToken = true };
        var kubeconfig = new Command("kubeconfig", "print a kubeconfig for kubectl (TLS verified against the cluster CA; the admin's token, or a user's client certificate)") { dataDir, output, user, groups };
        kubeconfig.SetAction(async (p, ct) =>
        {
            var file = FindAdminKubeconfig(p.GetValue(dataDir));
            var text = await File.ReadAllTextAsync(file, ct);
            if (p.GetValue(user) is { } name)
                text = ForUser(text, Path.GetDirectoryName(file)!, name, p.GetValue(groups) ?? []);
            if (p.GetValue(output) is { } target)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
                await File.WriteAllTextAsync(target, text, ct);
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(target, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                ctx.Out.WriteLine($"wrote {target}; use it with: kubectl --kubeconfig {target} get nodes");
            }
            else ctx.Out.Write(text);
            return 0;
        });
        return new Command("config", "client configuration") { kubeconfig };
    }

    /// <summary>The admin kubeconfig with its user replaced by a client certificate for this user and groups.</summary>
    static string ForUser(string admin, string dataDir, string name, string[] groups)
    {
        var pki = Path.Combine(dataDir, "pki");
        if (!File.Exists(Path.Combine(pki, "ca.key")))
            throw new CliException($"error: {Path.Combine(pki, "ca.key")} does not exist: client certificates are signed on a machine that holds the cluster CA's key");
        var (cert, key) = Cluster.Interfaces.Security.ClusterPki.IssueClientPem(
            File.ReadAllText(Path.Combine(pki, "ca.crt")), File.ReadAllText(Path.Combine(pki, "ca.key")), name, groups);
        static string B64(string pem) => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(pem));
        var lines = admin.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith("users:"));
        var end = lines.FindIndex(start + 1, l => l.Length > 0 && !l.StartsWith(" ") && !l.StartsWith("-"));
        lines.RemoveRange(start, end - start);
        lines.InsertRange(start, ["users:", $"- name: {name}", "  user:", $"    client-certificate-data: {B64(cert)}", $"    client-key-data: {B64(key)}"]);
        return string.Join('\n', lines).Replace("user: cluster-admin", $"user: {name}").Replace("cluster-admin@cluster", $"{name}@cluster");
    }

    static string FindAdminKubeconfig(string? dataDir)
    {
        if (dataDir != null)
        {
            var f = Path.Combine(dataDir, "admin.kubeconfig");
            return File.Exists(f) ? f : throw new CliException($"error: {f} does not exist: is --data-dir the data directory of a silo that has started?");
        }
        return CliContext.LocalSiloFile("admin.kubeconfig")
            ?? throw new CliException($"error: no silo data directory with an admin.kubeconfig under {CliContext.LocalRoot}: start a silo (dotnet run --project silo) or give --data-dir");
    }
}
