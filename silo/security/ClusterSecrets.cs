using Cluster.Silo.Hosting;
using StackExchange.Redis;

namespace Cluster.Silo.Security;

/// <summary>
/// Secrets every silo of a cluster must share (the CA, the token signing key): made once and kept where every silo
/// finds the same one. With Redis, a key in the store that the first silo sets (SET NX) and later ones read; on one
/// machine, a file in DATA/pki (0600).
/// </summary>
public static class ClusterSecrets
{
    public static string LoadOrCreate(SiloSettings s, string name, Func<string> create)
    {
        if (s.Redis is { } redis)
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false;
            using var mux = ConnectionMultiplexer.Connect(options);
            var db = mux.GetDatabase();
            var key = $"cluster:{s.ClusterId}:pki:{name}";
            db.StringSet(key, create(), when: When.NotExists);
            return (string?)db.StringGet(key) ?? throw new InvalidOperationException($"could not read {key} from Redis");
        }
        var file = Path.Combine(s.ResolvedDataDir, "pki", name);
        if (!File.Exists(file)) WritePrivate(file, create());
        return File.ReadAllText(file);
    }

    public static void WritePrivate(string file, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
