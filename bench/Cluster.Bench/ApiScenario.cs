using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cluster.Bench;

/// <summary>
/// Scenario 4: single-object writes through the HTTP API on a Redis-backed silo. An open loop of ConfigMap creates
/// at 500 requests/s for 30 s (latency of each, p50/p99), then the most persisted writes per second a closed loop of
/// 32 callers gets in 10 s, against `redis-benchmark -t set` on the same Redis in the same run.
/// </summary>
static class ApiScenario
{
    public static async Task<int> RunAsync(string repo)
    {
        var redisPort = Free();
        var redisDir = Directory.CreateTempSubdirectory("cluster-bench-redis-").FullName;
        using var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", redisPort.ToString(), "--bind", "127.0.0.1", "--dir", redisDir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""])
            { RedirectStandardOutput = true })!;
        await Task.Delay(500);
        try
        {
            var setRate = await RedisBenchmark(redisPort);
            await using var silo = await BenchSilo.StartAsync(repo, "--runtime", "simulated", "--redis", $"127.0.0.1:{redisPort}", "--rate-limit", "0", "--cluster-id", "bench");
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
                { BaseAddress = new Uri($"http://127.0.0.1:{silo.ApiPort}"), Timeout = TimeSpan.FromSeconds(30) };
            var n = 0;
            async Task<(bool Ok, double Ms)> Create()
            {
                var name = $"cm-{Interlocked.Increment(ref n)}";
                var body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}";
                var sw = Stopwatch.StartNew();
                using var r = await http.PostAsync("/api/v1/namespaces/default/configmaps", new StringContent(body, Encoding.UTF8, "application/json"));
                return (r.StatusCode == HttpStatusCode.Created, sw.Elapsed.TotalMilliseconds);
            }
            for (var i = 0; i < 300; i++) await Create(); // warm up

            // Open loop: a request every 2 ms whatever the previous ones do (a closed loop would hide queueing).
            const int rate = 500, seconds = 30;
            var started = Stopwatch.StartNew();
            var pending = new List<Task<(bool Ok, double Ms)>>();
            for (var i = 0; i < rate * seconds; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / rate);
                var wait = due - started.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1)) await Task.Delay(wait);
                pending.Add(Task.Run(Create));
            }
            var open = await Task.WhenAll(pending);
            var openSeconds = started.Elapsed.TotalSeconds;
            var latencies = open.Where(o => o.Ok).Select(o => o.Ms).ToList();

            // Closed loop: as many persisted writes as 32 callers get in 10 s.
            var done = 0;
            var until = DateTime.UtcNow.AddSeconds(10);
            await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
            {
                while (DateTime.UtcNow < until) if ((await Create()).Ok) Interlocked.Increment(ref done);
            }));
            var writes = done / 10.0;

            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Machine.MemoryGb():0.0} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC{BenchSilo.SiloEnvironmentNote()}");
            Console.WriteLine($"{"scenario 4: API writes (Redis-backed silo, ConfigMap creates)",-62} {"p50",8} {"p99",8}  target / result");
            Console.WriteLine($"{$"open loop {rate}/s for {seconds} s: {latencies.Count}/{open.Length} created in {openSeconds:0.0} s",-62} {Stats.Median(latencies),8:0.0} {Stats.P99(latencies),8:0.0}  p99 <= 50 ms {(Stats.P99(latencies) <= 50 && latencies.Count == open.Length ? "met" : "missed")}");
            Console.WriteLine($"{"persisted writes/s, 32 callers, 10 s",-62} {writes,8:0}");
            Console.WriteLine($"{"redis-benchmark -t set (same Redis), requests/s",-62} {setRate,8:0}");
            Console.WriteLine($"{"ratio writes / SET",-62} {writes / setRate,8:0.000}  >= 0.5 {(writes / setRate >= 0.5 ? "met" : "missed")}");
            return 0;
        }
        finally
        {
            redis.Kill(true);
            await redis.WaitForExitAsync();
            try { Directory.Delete(redisDir, true); } catch { }
        }
    }

    static async Task<double> RedisBenchmark(int port)
    {
        var p = Process.Start(new ProcessStartInfo("redis-benchmark", ["-h", "127.0.0.1", "-p", port.ToString(), "-t", "set", "-n", "200000", "-c", "50", "-q"]) { RedirectStandardOutput = true })!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        // "SET: 123456.79 requests per second, p50=0.199 msec"
        var line = output.Split('\n', '\r').Last(l => l.Contains("requests per second"));
        return double.Parse(line.Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static int Free() { var l = new TcpListener(IPAddress.Loopback, 0); l.Start(); var p = ((IPEndPoint)l.LocalEndpoint).Port; l.Stop(); return p; }
}
