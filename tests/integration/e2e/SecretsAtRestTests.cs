using System.Text;
using Cluster.Client;
using Cluster.Grains.Store;
using Cluster.Tests.Integration.Support;
using k8s.Models;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Cluster.Tests.Integration.E2e;

/// <summary>Secrets are sealed in the store (embedded SQLite and Redis): the raw bytes hold no plaintext, and the API
/// reads them back, also after a restart.</summary>
public sealed class SecretsAtRestTests(ITestOutputHelper output)
{
    const string Value = "pl41ntext-p4ssw0rd";

    static V1Secret Secret(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
        StringData = new Dictionary<string, string> { ["password"] = Value },
    };

    static void AssertNoPlaintext(byte[] raw, string where)
    {
        var text = Encoding.UTF8.GetString(raw);
        Assert.False(text.Contains(Value), $"{where} holds the secret in plaintext");
        Assert.False(text.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(Value))), $"{where} holds the secret's base64");
    }

    [Fact]
    public async Task TheEmbeddedStoreHoldsNoPlaintextAndTheSecretSurvivesARestart()
    {
        await using var silo = new SiloProcess("sec-" + Guid.NewGuid().ToString("N")[..6], "--runtime", "simulated");
        try
        {
            await silo.StartAsync();
            await using (var client = await ClusterClient.ConnectAsync(silo.Gateway))
            {
                await client.CreateAsync(Secret("db"));
                Assert.Equal(Value, Encoding.UTF8.GetString((await client.GetAsync<V1Secret>("db"))!.Data["password"]));
            }
            await silo.StopAsync();
            foreach (var file in Directory.GetFiles(silo.DataDir, "cluster.db*"))
                AssertNoPlaintext(await File.ReadAllBytesAsync(file), Path.GetFileName(file));
            var keyFile = Path.Combine(silo.DataDir, "encryption-keys");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));

            await silo.StartAsync();
            await using var again = await ClusterClient.ConnectAsync(silo.Gateway);
            Assert.Equal(Value, Encoding.UTF8.GetString((await again.GetAsync<V1Secret>("db"))!.Data["password"]));
            Assert.Contains(await again.ListAsync<V1Secret>(), s => s.Metadata.Name == "db"); // the index, rebuilt from the store, reads it too
        }
        finally { output.WriteLine(silo.Log); }
    }

    [Fact]
    public async Task RedisHoldsOnlySealedRecords()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var cluster = "sr" + Guid.NewGuid().ToString("N")[..6];
        await using var silo = new SiloProcess(cluster + "-a", "--runtime", "simulated", "--redis", redis.Address, "--cluster-id", cluster,
            "--encryption-keys", AtRestEncryption.NewKey("prod1"));
        try
        {
            await silo.StartAsync();
            await using var client = await ClusterClient.ConnectAsync(silo.Gateway, clusterId: cluster);
            await client.CreateAsync(Secret("api"));
            using var mux = await ConnectionMultiplexer.ConnectAsync(redis.Address);
            var raw = (byte[])(await mux.GetDatabase().HashGetAsync("cluster/object/Secret/default/api", "data"))!;
            Assert.NotNull(raw);
            AssertNoPlaintext(raw, "the Redis record");
            Assert.Contains("enc:aesgcm:v1:prod1:", Encoding.UTF8.GetString(raw));
            Assert.Equal(Value, Encoding.UTF8.GetString((await client.GetAsync<V1Secret>("api"))!.Data["password"]));
        }
        finally { output.WriteLine(silo.Log); }
    }
}
