using Cluster.Grains.Runtime;
using Cluster.Grains.Runtime.Simulated;

namespace Cluster.Tests.Unit.Runtime;

public class ContainerJournalTests
{
    static ContainerSpec Spec(string node, string pod, params int[] ports) =>
        new(node, pod + "-uid", "default", pod, "c", 0, "nginx:latest", null, null, new Dictionary<string, string>(), ports, null, null, null);

    [Fact]
    public async Task ContainersOutliveTheRuntimeThatStartedThem()
    {
        var dir = Directory.CreateTempSubdirectory("journal-").FullName;
        var path = Path.Combine(dir, "containers.jsonl");
        try
        {
            string running, stopped, removed;
            int port;
            using (var r = SimulatedRuntime.Persisted(TimeSpan.Zero, path))
            {
                running = await r.CreateAndStartAsync(Spec("n1", "a", 80), default);
                stopped = await r.CreateAndStartAsync(Spec("n1", "b"), default);
                removed = await r.CreateAndStartAsync(Spec("n2", "c"), default);
                await r.StopAsync(stopped, TimeSpan.Zero, default);
                await r.RemoveAsync(removed, default);
                port = (await r.ListAsync("n1", default)).Single(c => c.Id == running).HostPorts[80];
            }
            // A crash mid-write leaves a torn line: it is skipped.
            File.AppendAllText(path, "{\"Put\":{\"Id\":\"tor");

            using (var r = SimulatedRuntime.Persisted(TimeSpan.Zero, path))
            {
                var n1 = (await r.ListAsync("n1", default)).ToDictionary(c => c.Id);
                Assert.Equal(2, r.Count);
                Assert.Equal(ContainerStates.Running, n1[running].State);
                Assert.Equal(port, n1[running].HostPorts[80]);
                Assert.Equal("a-uid", n1[running].PodUid);
                Assert.Equal(ContainerStates.Exited, n1[stopped].State);
                Assert.Empty(await r.ListAsync("n2", default));
                // Host ports keep counting from where they were.
                var next = await r.CreateAndStartAsync(Spec("n2", "d", 80), default);
                Assert.True((await r.ListAsync("n2", default)).Single(c => c.Id == next).HostPorts[80] > port);
            }
            // Opened again, the journal was rewritten compact: one line per container.
            Assert.Equal(3, File.ReadLines(path).Count());
        }
        finally { Directory.Delete(dir, true); }
    }
}
